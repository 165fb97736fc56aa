"""Reads shared by the relationship pages and the portfolio, each in a fixed number of queries."""

import datetime
from decimal import Decimal

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from agreements.models import OPEN_STATUSES, Agreement
from agreements.models import Status as AgreementStatus
from communications.models import Thread
from partnerships.models import Partnership, Stage, Transition

from .models import MONEY_UNITS, Milestone, Opportunity, RenewalDecision


def milestones_of(partnership: Partnership) -> list[Milestone]:
    return list(
        Milestone.objects.filter(partnership=partnership).select_related("objective", "achieved_by")
    )


def opportunities_of(partnership: Partnership) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(partnership=partnership)
        .select_related("owner", "source_thread")
        .order_by("status", "-updated_at", "-pk")
    )


def ideas_to_consider(partnership: Partnership) -> list[Thread]:
    """Ideas from the partnership's discussion that are not an opportunity yet."""
    return list(
        Thread.objects.filter(partnership=partnership, is_idea=True)
        .exclude(Exists(Opportunity.objects.filter(source_thread=OuterRef("pk"))))
        .select_related("author")
        .order_by("-last_activity_at", "-pk")[:10]
    )


def agreements_of(partnership: Partnership) -> tuple[Agreement | None, Agreement | None]:
    """The agreement in force (signed) and the version open for signing, if any."""
    rows = list(
        Agreement.objects.filter(
            partnership=partnership, status__in=[AgreementStatus.SIGNED, *OPEN_STATUSES]
        ).order_by("-version")
    )
    signed = next((a for a in rows if a.status == AgreementStatus.SIGNED), None)
    open_version = next((a for a in rows if a.status in OPEN_STATUSES), None)
    return signed, open_version


def renewal_entered(partnership: Partnership) -> Transition | None:
    return (
        Transition.objects.filter(partnership=partnership, to_stage=Stage.RENEWING)
        .select_related("by")
        .order_by("-at")
        .first()
    )


def decisions_of(partnership: Partnership) -> list[RenewalDecision]:
    return list(
        RenewalDecision.objects.filter(partnership=partnership).select_related(
            "decided_by", "agreement"
        )[:10]
    )


def successes(partnership_ids: QuerySet) -> QuerySet[Milestone]:
    """Achieved milestones of the given partnerships, newest first."""
    return (
        Milestone.objects.achieved()
        .filter(partnership__in=partnership_ids)
        .select_related("partnership", "objective", "achieved_by")
        .order_by("-achieved_on", "-pk")
    )


def open_opportunity_values(partnership_ids: QuerySet) -> dict[int, Decimal]:
    """The estimated value of each partnership's open opportunities, in one grouped query."""
    return dict(
        Opportunity.objects.open()
        .filter(partnership__in=partnership_ids, estimated_value__isnull=False)
        .order_by()
        .values("partnership_id")
        .annotate(total=Sum("estimated_value"))
        .values_list("partnership_id", "total")
    )


def realised_money_values(partnership_ids: QuerySet) -> dict[int, Decimal]:
    """The realised value of each partnership's milestones counted in money, in one query."""
    return dict(
        Milestone.objects.achieved()
        .filter(partnership__in=partnership_ids, value_unit__in=MONEY_UNITS)
        .order_by()
        .values("partnership_id")
        .annotate(total=Sum("value_amount"))
        .values_list("partnership_id", "total")
    )


def recent_success_filter(today: datetime.date, days: int = 90) -> Q:
    return Q(achieved_on__gte=today - datetime.timedelta(days=days), achieved_on__lte=today)
