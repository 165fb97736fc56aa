"""Teaches the access walk the arguments of the relationship routes (``thread_pk`` is taught by
communications: an idea thread of the partnership)."""

from .factories import MilestoneFactory, OpportunityFactory

OBJECT_MAKERS = {
    "milestone_pk": lambda partnership: MilestoneFactory(partnership=partnership).pk,
    "opportunity_pk": lambda partnership: OpportunityFactory(partnership=partnership).pk,
}

# An idea thread of the discussion offers to make it an opportunity.
FORM_HOSTS = {"planning:opportunity_from_idea": "communications:thread"}
