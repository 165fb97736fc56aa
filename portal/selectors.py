"""What the portal shows a partner contact: only what is shared with the partner.

Never here: selection scores and candidates, internal notes (commercial terms, sentiment,
objectives of our own), unshared check-ins, KPIs and discussions, votes on ideas, the health
score, anything of another partnership. Each list is one query, whatever its length.
"""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import Agreement, Responsibility
from communications.models import (
    ActionComment,
    ActionItem,
    ActionStatus,
    CheckIn,
    Concern,
    DueDateProposal,
    Party,
    ProposalStatus,
    Reply,
    Thread,
)
from healthcheck import services
from healthcheck.models import HealthCheck, Participant
from objectives.models import Objective
from objectives.models import Party as ObjectiveParty
from partnerships.models import Partnership, Stage
from planning.models import Milestone
from reviews.selectors import shared_kpis

THREADS_ON_PAGE = 5


def portal_partnership_queryset():
    return Partnership.objects.select_related("organization", "check_in_cadence")


def health_check_card(partnership: Partnership, user) -> dict:
    """The open check (and whether they are asked, and answered) and the last closed one."""

    def found() -> list[HealthCheck]:
        return list(
            HealthCheck.objects.filter(partnership=partnership)
            .filter(Q(status="open") | Q(latest=True))
            .only("pk", "status", "closes_on", "closes_at", "closed_at", "latest", "min_answers")
        )

    checks = found()
    current = next((c for c in checks if c.is_open), None)
    if current is not None and (
        timezone.now() >= current.closes_at or partnership.stage == Stage.ENDED
    ):
        # Past its closing moment, beat's close may be minutes away: closed now, so the partner
        # is not offered an answer page that refuses, and sees the results as our side does.
        services.healthcheck_close(check=current)
        checks = found()
        current = None
    mine = Participant.objects.filter(health_check=current, user=user).first() if current else None
    return {
        "hc_current": current,
        "hc_mine": mine,
        "hc_latest": next((c for c in checks if c.latest), None),
    }


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
        their_actions(partnership, contact).order_by("-status", "due_on", "pk")[:50]
    )  # open, then done, then cancelled
    threads = list(shared_threads(partnership)[: THREADS_ON_PAGE + 1])
    milestones = list(
        Milestone.objects.filter(partnership=partnership).order_by(
            "achieved_on", "target_date", "pk"
        )
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
        "milestones": [m for m in milestones if not m.achieved_on],
        "successes": sorted(
            (m for m in milestones if m.achieved_on), key=lambda m: m.achieved_on, reverse=True
        ),
        "kpis": shared_kpis(partnership),
        "threads": threads[:THREADS_ON_PAGE],
        "more_threads": len(threads) > THREADS_ON_PAGE,
        **health_check_card(partnership, contact.user),
    }


def their_actions(partnership: Partnership, contact) -> QuerySet[ActionItem]:
    """The action items the contact owns, with their comment count and the new due date they
    proposed that waits for our answer, if any (``pending_on``)."""
    pending = DueDateProposal.objects.filter(action=OuterRef("pk"), status=ProposalStatus.PENDING)
    comments = (
        ActionComment.objects.filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return ActionItem.objects.filter(
        partnership=partnership, party=Party.PARTNER, owner_contact=contact
    ).annotate(
        pending_on=Subquery(pending.values("proposed_on")[:1]),
        comment_count=Coalesce(Subquery(comments), 0),
    )


def shared_threads(partnership: Partnership) -> QuerySet[Thread]:
    """The discussions we share with the partner, latest activity first, with their replies
    counted; never their votes."""
    replies = (
        Reply.objects.filter(thread=OuterRef("pk"))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Thread.objects.filter(partnership=partnership, shared=True)
        .select_related("author")
        .annotate(reply_count=Coalesce(Subquery(replies), 0))
        .order_by("-last_activity_at", "-pk")
    )
