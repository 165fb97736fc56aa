"""Teaches the access walk the arguments of the communication routes."""

from ..factories import ContactFactory, OrganizationFactory
from .factories import (
    ActionItemFactory,
    CheckInFactory,
    ConcernFactory,
    DueDateProposalFactory,
    ThreadFactory,
)


def _proposal(partnership) -> int:
    """A new due date proposed for an action item the partner owns."""
    if partnership.organization_id is None:
        partnership.organization = OrganizationFactory()
        partnership.save(update_fields=["organization"])
    action = ActionItemFactory(
        partnership=partnership,
        party="partner",
        owner=None,
        owner_contact=ContactFactory(organization=partnership.organization),
    )
    return DueDateProposalFactory(action=action).pk


OBJECT_MAKERS = {
    "check_in_pk": lambda partnership: CheckInFactory(partnership=partnership).pk,
    "action_pk": lambda partnership: ActionItemFactory(partnership=partnership).pk,
    "concern_pk": lambda partnership: ConcernFactory(partnership=partnership).pk,
    "thread_pk": lambda partnership: ThreadFactory(partnership=partnership, is_idea=True).pk,
    "proposal_pk": _proposal,
}


def _proposal_arguments(partnership, user) -> dict:
    # The proposal's own action item, so its page carries the accept and decline buttons.
    from communications.models import DueDateProposal

    proposal = DueDateProposal.objects.get(pk=_proposal(partnership))
    return {"partnership_pk": partnership.pk, "action_pk": proposal.action_id,
            "proposal_pk": proposal.pk}  # fmt: skip


ROUTE_ARGUMENTS = {"communications:proposal_decide": _proposal_arguments}
