"""Reads shared by the relationship pages and the portfolio, each in a fixed number of queries."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from agreements.models import OPEN_STATUSES, Agreement
from agreements.models import Status as AgreementStatus
from communications.models import Thread
from partnerships.models import Partnership, Stage, Transition

from .models import MONEY_UNITS, Milestone, Opportunity, RenewalDecision

MONEY = DecimalField(max_digits=16, decimal_places=2)


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


def open_opportunities(partnership_ids: QuerySet) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.open()
        .filter(partnership__in=partnership_ids)
        .select_related("partnership", "owner")
    )


def value_subqueries() -> dict:
    """Annotations for a Partnership queryset: the estimated value of its open opportunities and
    the realised value of its milestones counted in money (in the reporting currency)."""
    opportunities = (
        Opportunity.objects.open()
        .filter(partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(total=Sum("estimated_value"))
        .values("total")
    )
    realised = (
        Milestone.objects.achieved()
        .filter(partnership=OuterRef("pk"), value_unit__in=MONEY_UNITS)
        .order_by()
        .values("partnership")
        .annotate(total=Sum("value_amount"))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=MONEY)
    return {
        "opportunity_value": Coalesce(Subquery(opportunities, output_field=MONEY), zero),
        "realised_value": Coalesce(Subquery(realised, output_field=MONEY), zero),
    }


def value_by_partnership(partnership_ids: Iterable[int]) -> dict[int, Decimal]:
    ids = list(partnership_ids)
    values = (
        Partnership.objects.filter(pk__in=ids)
        .annotate(**value_subqueries())
        .annotate(value=F("opportunity_value") + F("realised_value"))
        .values_list("pk", "value")
    )
    return dict(values)


def recent_success_filter(today: datetime.date, days: int = 90) -> Q:
    return Q(achieved_on__gte=today - datetime.timedelta(days=days), achieved_on__lte=today)
