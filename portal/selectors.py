"""What the portal shows a partner contact: only what is shared with the partner.

Never here: selection scores and candidates, internal notes (commercial terms, sentiment,
objectives of our own), unshared check-ins, the health score, anything of another partnership.
Each list is one query, whatever its length.
"""

from django.db.models import Prefetch

from agreements.models import Agreement, Responsibility
from communications.models import ActionItem, ActionStatus, CheckIn, Concern, Party
from objectives.models import Objective
from objectives.models import Party as ObjectiveParty
from partnerships.models import Partnership
from planning.models import Milestone


def portal_partnership_queryset():
    return Partnership.objects.select_related("organization", "check_in_cadence")


def portal_page(partnership: Partnership, contact) -> dict:
    agreement = (
        Agreement.objects.filter(partnership=partnership)
        .in_force()
        .select_related(
            "plan",
            "plan__check_in_cadence",
            "plan__review_cadence",
            "plan__our_lead",
            "plan__partner_lead",
        )
        .prefetch_related(
            Prefetch(
                "responsibilities",
                Responsibility.objects.select_related(
                    "accountable_user", "accountable_contact"
                ).order_by("party", "area", "pk"),
            )
        )
        .order_by("-version")
        .first()
    )
    plan = getattr(agreement, "plan", None) if agreement else None
    my_actions = list(
        ActionItem.objects.filter(
            partnership=partnership, party=Party.PARTNER, owner_contact=contact
        ).order_by("-status", "due_on", "pk")[:50]  # open, then done, then cancelled
    )
    return {
        "my_actions": my_actions,
        "open_action_count": sum(1 for a in my_actions if a.status == ActionStatus.OPEN),
        "objectives": list(
            Objective.objects.filter(
                partnership=partnership,
                party__in=[ObjectiveParty.SHARED, ObjectiveParty.PARTNER],
            ).order_by("party", "due_date", "pk")
        ),
        "agreement": agreement,
        "plan": plan,
        "shared_check_ins": list(
            CheckIn.objects.filter(partnership=partnership, shared=True).order_by(
                "-held_on", "-pk"
            )[:10]
        ),
        "my_concerns": list(
            Concern.objects.filter(
                partnership=partnership, raised_by=Party.PARTNER, created_by=contact.user_id
            ).order_by("-raised_at")[:20]
        ),
        "milestones": list(
            Milestone.objects.filter(partnership=partnership).order_by(
                "achieved_on", "target_date", "pk"
            )
        ),
    }
