"""Reads of KPIs, measurements and reviews that pages (and the portfolio) share, each in a fixed
number of queries whatever the number of KPIs, measurements or reviews."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from partnerships.models import Partnership, Stage

from .attainment import Status
from .models import KPI, Decision, Measurement, Reading, Review, Snapshot

SPARK_POINTS = 12


def with_latest(queryset: QuerySet[KPI], as_of: datetime.date | None = None) -> QuerySet[KPI]:
    """KPIs annotated with their latest measurement (on or before `as_of`, if given):
    ``latest_value`` and ``latest_period``. Served by the (kpi, period) unique index."""
    latest = Measurement.objects.filter(kpi=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(period__lte=as_of)
    latest = latest.order_by("-period")
    return queryset.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_period=Subquery(latest.values("period")[:1]),
    )


def current_reading(kpi: KPI) -> Reading | None:
    return kpi.read(getattr(kpi, "latest_value", None), getattr(kpi, "latest_period", None))


def kpis_for_list(partnership: Partnership) -> QuerySet[KPI]:
    """KPIs with owner, objective, latest value and their last few measurements (for the
    sparkline, oldest first in ``spark``): two queries for any number of KPIs."""
    return (
        with_latest(KPI.objects.filter(partnership=partnership))
        .select_related("owner", "objective")
        .prefetch_related(recent_measurements())
        .order_by("name", "pk")
    )


def shared_kpis(partnership: Partnership) -> list[KPI]:
    """The KPIs we share with the partner, decorated with their reading and sparkline: two
    queries for any number of KPIs and measurements."""
    return decorate(
        with_latest(KPI.objects.filter(partnership=partnership, shared=True))
        .prefetch_related(recent_measurements())
        .order_by("name", "pk")
    )


def recent_measurements() -> Prefetch:
    """Each KPI's last few measurements, newest first, in ``recent`` (for its sparkline)."""
    recent = Measurement.objects.order_by("-period").only("kpi_id", "period", "value")
    return Prefetch("measurements", queryset=recent[:SPARK_POINTS], to_attr="recent")


def decorate(kpis: Iterable[KPI]) -> list[KPI]:
    """Attach ``reading`` (the current value judged) and ``spark`` (values, oldest first)."""
    rows = list(kpis)
    for kpi in rows:
        kpi.reading = current_reading(kpi)
        kpi.latest_label = kpi.period_label(kpi.reading.period) if kpi.reading else ""
        kpi.spark = [m.value for m in reversed(getattr(kpi, "recent", []))]
    return rows


def status_counts(kpis: Iterable[KPI]) -> dict[str, int]:
    counts = {s: 0 for s in Status.values}
    counts["no_data"] = 0
    for kpi in kpis:
        counts[kpi.reading.status if kpi.reading else "no_data"] += 1
    return counts


# Objectives' progress -----------------------------------------------------------------------------


@dataclass
class ObjectiveProgress:
    objective: object
    kpis: list[KPI] = field(default_factory=list)

    @property
    def measured(self) -> list[KPI]:
        return [k for k in self.kpis if k.reading]

    @property
    def percent(self) -> int | None:
        """The mean attainment of its measured KPIs, each held to 0–100 %."""
        return mean_attainment(k.reading.attainment for k in self.measured)


def mean_attainment(values: Iterable[Decimal]) -> int | None:
    """The mean of attainments, each clipped to 0–100 % first (a KPI far beyond its target must
    not hide another far behind), as a whole percent; None when there is none."""
    clipped = [min(Decimal(100), max(Decimal(0), v)) for v in values]
    if not clipped:
        return None
    return int(sum(clipped) / len(clipped))


def objective_progress(kpis: Iterable[KPI]) -> list[ObjectiveProgress]:
    """Group decorated KPIs (with ``objective`` selected) by the objective they measure."""
    groups: dict[int, ObjectiveProgress] = {}
    for kpi in kpis:
        if kpi.objective_id:
            groups.setdefault(kpi.objective_id, ObjectiveProgress(kpi.objective)).kpis.append(kpi)
    return sorted(groups.values(), key=lambda g: g.objective.title.lower())


# For the portfolio -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KPIAttainment:
    kpi_id: int
    partnership_id: int
    name: str
    unit: str
    direction: str
    target: Decimal
    reading: Reading | None

    @property
    def attainment(self) -> Decimal | None:
        return self.reading.attainment if self.reading else None

    @property
    def status(self) -> str | None:
        return self.reading.status if self.reading else None


@dataclass(frozen=True)
class PartnershipAttainment:
    partnership_id: int
    kpis: list[KPIAttainment]

    @property
    def measured(self) -> list[KPIAttainment]:
        return [k for k in self.kpis if k.reading]

    @property
    def mean(self) -> int | None:
        """Mean attainment of the measured KPIs, each clipped to 0–100 %, in whole percent."""
        return mean_attainment(k.reading.attainment for k in self.measured)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in Status.values}
        for k in self.measured:
            counts[k.reading.status] += 1
        return counts

    @property
    def below_target(self) -> int:
        """Measured KPIs not on target (on watch or red-flagged)."""
        return sum(1 for k in self.measured if k.reading.status != Status.ON_TARGET)


def kpi_attainment_for_partnerships(
    partnership_ids: Iterable[int], as_of: datetime.date | None = None
) -> dict[int, PartnershipAttainment]:
    """Current attainment of every KPI of the given partnerships, in ONE query.

    Returns ``{partnership_id: PartnershipAttainment}`` with an entry for every id asked for
    (an empty ``kpis`` list when a partnership has no KPI). Each ``KPIAttainment`` carries the
    KPI's latest measurement (on or before ``as_of``, default: all of them) judged by the rule
    in ``reviews/attainment.py``: ``attainment`` in percent (Decimal, rounded down to 0.1, not
    clipped: below 0 went the wrong way, above 100 beat the target) and ``status`` ("on_target",
    "watch" or "red_flag"); both None for a KPI not measured yet.
    ``PartnershipAttainment.mean`` is the mean of the measured KPIs' attainments, each clipped
    to 0–100 % first, as a whole percent (None without measurements); ``counts`` counts the
    measured KPIs per status. The health score can use ``mean`` as its KPI part.
    """
    ids = list(dict.fromkeys(partnership_ids))
    result = {pk: PartnershipAttainment(pk, []) for pk in ids}
    if not ids:
        return result
    rows = with_latest(KPI.objects.filter(partnership_id__in=ids), as_of).order_by(
        "partnership_id", "name", "pk"
    )
    for kpi in rows:
        result[kpi.partnership_id].kpis.append(
            KPIAttainment(
                kpi_id=kpi.pk,
                partnership_id=kpi.partnership_id,
                name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                target=kpi.target,
                reading=current_reading(kpi),
            )
        )
    return result


def attainment_at_last_review(partnership_ids: Iterable[int]) -> dict[int, int | None]:
    """Mean attainment (same clipping as ``PartnershipAttainment.mean``) frozen by each
    partnership's last held review, in ONE query: what it was "at the last review", to show what
    changed since. Partnerships never reviewed are absent; None when that review had no values."""
    ids = list(dict.fromkeys(partnership_ids))
    last = (
        Review.objects.filter(partnership_id=OuterRef("review__partnership_id"))
        .held()
        .order_by("-held_on", "-pk")
        .values("pk")[:1]
    )
    rows = Snapshot.objects.filter(
        review__partnership_id__in=ids, review_id=Subquery(last)
    ).values_list("review__partnership_id", "attainment")
    found: dict[int, list[Decimal]] = {}
    for partnership_id, value in rows:
        found.setdefault(partnership_id, [])
        if value is not None:
            found[partnership_id].append(value)
    return {pk: mean_attainment(values) for pk, values in found.items()}


def last_review_days(partnership_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The day each partnership's last review was held, in ONE query; partnerships never
    reviewed are absent."""
    rows = (
        Review.objects.filter(partnership_id__in=list(partnership_ids), held_on__isnull=False)
        .order_by()
        .values("partnership_id")
        .annotate(day=Max("held_on"))
        .values_list("partnership_id", "day")
    )
    return dict(rows)


# Reviews -----------------------------------------------------------------------------------------


def scheduled_review(partnership: Partnership) -> Review | None:
    return Review.objects.filter(partnership=partnership).scheduled().first()


def latest_held(partnership: Partnership, before: Review | None = None) -> Review | None:
    rows = Review.objects.filter(partnership=partnership).held()
    if before is not None and before.held_on is not None:
        rows = rows.filter(
            Q(held_on__lt=before.held_on) | Q(held_on=before.held_on, pk__lt=before.pk)
        )
    elif before is not None:
        rows = rows.exclude(pk=before.pk)
    return rows.select_related("held_by").order_by("-held_on", "-pk").first()


def reviews_for_list(queryset: QuerySet[Review]) -> QuerySet[Review]:
    return queryset.select_related("partnership", "held_by").annotate(
        decision_count=Count("decisions", distinct=True)
    )


def decisions_of(review: Review) -> list[Decision]:
    return list(
        review.decisions.select_related(
            "action_item", "action_item__owner", "action_item__owner_contact", "objective",
            "recorded_by",
        ).order_by("recorded_at", "pk")
    )  # fmt: skip


def schedule_rows(user, show: str, today: datetime.date) -> QuerySet[Partnership]:
    """The partnerships a user sees, by next review due, with the scheduled review (if any) and
    the date of the last one held."""
    from partnerships.access import visible_partnerships

    scheduled = Review.objects.filter(partnership=OuterRef("pk"), held_on__isnull=True)
    held = Review.objects.filter(partnership=OuterRef("pk"), held_on__isnull=False).order_by(
        "-held_on"
    )
    rows = (
        visible_partnerships(user)
        .exclude(stage=Stage.ENDED)
        .filter(next_review_due__isnull=False)
        .select_related("review_cadence", "organization")
        .annotate(
            scheduled_pk=Subquery(scheduled.values("pk")[:1]),
            scheduled_kind=Subquery(scheduled.values("kind")[:1]),
            last_held_on=Subquery(held.values("held_on")[:1]),
        )
        .order_by("next_review_due", "name")
    )
    if show == "overdue":
        rows = rows.filter(next_review_due__lt=today)
    elif show == "soon":
        rows = rows.filter(next_review_due__range=(today, today + datetime.timedelta(days=30)))
    return rows
