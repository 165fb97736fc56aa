"""What the dashboard and its lists read: the same facts for an executive (every partnership) and
for a partner manager (their own), each in a fixed number of queries whatever the portfolio's
size. Health is read from the stored scores, never computed here."""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from agreements.models import Status as AgreementStatus
from communications.models import ActionItem, Concern, past_target
from healthcheck.models import HealthCheck
from healthcheck.selectors import recent_since, widest_gaps
from partnerships import access
from partnerships.models import Partnership, Stage
from planning.models import CURRENCY_SYMBOL, Horizon, Milestone, Opportunity
from planning.selectors import (
    open_opportunity_values,
    realised_money_values,
    recent_success_filter,
)
from reviews.models import Review

from .health import LIVE
from .models import Band, HealthSettings, HealthSnapshot, PartnershipHealth

BOARD_CARDS = 5
NOTICE_DAYS = 90
SUCCESS_DAYS = 90
DUE_KINDS = {
    # kind: (tab, heading)
    "all": ("Everything", "Everything due or overdue this week"),
    "check_ins": ("Check-ins", "Check-ins due or overdue this week"),
    "reviews": ("Reviews", "Reviews due or overdue this week"),
    "actions": ("Action items", "Action items due or overdue this week"),
    "concerns": ("Concerns", "Concerns past their response or resolution target"),
    "notice": (
        "Notice deadlines",
        f"Agreements reaching their notice deadline within {NOTICE_DAYS} days",
    ),
}


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday that ends today's week."""
    return today + datetime.timedelta(days=6 - today.weekday())


def live(user) -> QuerySet[Partnership]:
    return access.visible_partnerships(user).filter(stage__in=LIVE)


def concern_past_target(now: datetime.datetime) -> Q:
    return Q(resolved_at__isnull=True) & past_target(now)


@dataclass
class Dashboard:
    today: datetime.date
    week_end: datetime.date
    settings: HealthSettings
    stage_counts: list[tuple[str, str, int]] = field(default_factory=list)
    total: int = 0
    live_count: int = 0
    board: list[dict] = field(default_factory=list)
    bands: list[dict] = field(default_factory=list)
    band_counts: dict[str, int] = field(default_factory=dict)
    computed_at: datetime.datetime | None = None
    weakest: list[PartnershipHealth] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    points_total: int = 0  # the scored live partnerships, of which ``points`` are the most valuable
    due: list[dict] = field(default_factory=list)
    notice_count: int = 0
    notices: list[Agreement] = field(default_factory=list)
    success_count: int = 0
    successes: list[Milestone] = field(default_factory=list)
    horizons: list[dict] = field(default_factory=list)
    opportunity_value: Decimal = Decimal(0)
    currency: str = CURRENCY_SYMBOL
    gaps: list[HealthCheck] = field(default_factory=list)

    @property
    def due_total(self) -> int:
        return sum(d["count"] for d in self.due)

    @property
    def charts(self) -> dict:
        """What the page's charts draw (static/js/portfolio.js)."""
        return {
            "bands": [
                {"label": b["label"], "count": b["count"], "band": b["band"]} for b in self.bands
            ],
            "points": self.points,
            "url": partnership_url_pattern(),
            "currency": self.currency,
            "healthyFrom": self.settings.healthy_from,
            "atRiskBelow": self.settings.at_risk_below,
        }


def dashboard(user, *, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings = HealthSettings.load()
    d = Dashboard(today=today, week_end=week_end(today), settings=settings)
    visible = access.visible_partnerships(user)
    live_ids = live(user).values("pk")

    counts = dict(visible.order_by().values_list("stage").annotate(n=Count("pk")))
    d.stage_counts = [(s, label, counts.get(s, 0)) for s, label in Stage.choices]
    d.total = sum(counts.values())
    d.live_count = sum(counts.get(s, 0) for s in LIVE)
    d.board = _board(visible, counts)

    bands = PartnershipHealth.objects.filter(partnership__in=live_ids).aggregate(
        computed_at=Max("computed_at"),
        **{b: Count("pk", filter=settings.band_filter(b)) for b in Band.values},
    )
    d.computed_at = bands.pop("computed_at")
    rated = sum(bands.values())
    bands[Band.UNKNOWN] += max(d.live_count - rated, 0)  # live but not scored yet
    d.bands = [{"band": b, "label": Band(b).label, "count": bands[b]} for b in Band.values]
    d.band_counts = bands

    d.weakest = list(
        PartnershipHealth.objects.filter(partnership__in=live_ids, score__isnull=False)
        .select_related("partnership", "partnership__organization")
        .order_by("score", "partnership__name")[:5]
    )
    d.points, d.points_total = _value_points(user)
    d.due = _due(user, today, now)
    # The latest joint health check of each live partnership, where the sides differ most.
    d.gaps = widest_gaps(live(user), since=recent_since(today))

    notices = _notices(user, today)
    d.notice_count = notices.count()
    d.notices = list(notices.select_related("partnership")[:5])

    successes = Milestone.objects.achieved().filter(
        recent_success_filter(today, SUCCESS_DAYS), partnership__in=visible.values("pk")
    )
    d.success_count = successes.count()
    d.successes = list(successes.select_related("partnership").order_by("-achieved_on", "-pk")[:5])

    by_horizon = {
        row["horizon"]: row
        for row in Opportunity.objects.open()
        .filter(partnership__in=visible.exclude(stage=Stage.ENDED).values("pk"))
        .order_by()
        .values("horizon")
        .annotate(count=Count("pk"), value=Sum("estimated_value"))
    }
    d.horizons = [
        {
            "horizon": h,
            "label": label,
            "count": by_horizon.get(h, {}).get("count", 0),
            "value": by_horizon.get(h, {}).get("value") or Decimal(0),
        }
        for h, label in Horizon.choices
    ]
    d.opportunity_value = sum((h["value"] for h in d.horizons), Decimal(0))
    return d


def _board(visible: QuerySet[Partnership], counts: dict) -> list[dict]:
    """A column per stage with its first cards: live ones weakest first, others newest first."""
    weakest_first = Case(When(stage__in=LIVE, then=F("health__score")), default=None)
    # Rank every partnership on a narrow row (id, stage, score), then load only the cards.
    ranked = list(
        visible.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stage")],
                order_by=[weakest_first.asc(nulls_last=True), F("updated_at").desc(), F("pk")],
            )
        )
        .filter(rank__lte=BOARD_CARDS)
        .values_list("pk", flat=True)
    )
    loaded = {
        p.pk: p
        for p in Partnership.objects.filter(pk__in=ranked).select_related("organization", "health")
    }
    cards: dict[str, list[Partnership]] = {}
    for pk in ranked:
        p = loaded[pk]
        cards.setdefault(p.stage, []).append(p)
    return [
        {
            "stage": s,
            "label": label,
            "count": counts.get(s, 0),
            "cards": cards.get(s, []),
            "more": max(counts.get(s, 0) - BOARD_CARDS, 0),
        }
        for s, label in Stage.choices
    ]


# Past this, more dots only blot the chart and weigh on the page: at 10,000 partnerships its
# 8,005 points were 584 KB of the dashboard's 619 KB, and its p95 half as long again as at 1,000.
VALUE_POINTS = 1000


def _value_points(user) -> tuple[list[dict], int]:
    """One point per scored live partnership, health across and value up, the most valuable
    ``VALUE_POINTS`` of them; and how many there are (three grouped reads, merged here, cost
    less than two correlated sums per partnership)."""
    ids = live(user).values("pk")
    scored = (
        PartnershipHealth.objects.filter(partnership__in=ids, score__isnull=False)
        .order_by("partnership_id")
        .values_list("partnership_id", "partnership__name", "score")
    )
    values = open_opportunity_values(ids)
    for pk, realised in realised_money_values(ids).items():
        values[pk] = values.get(pk, Decimal(0)) + realised
    points = [
        {"x": score, "y": float(values.get(pk, 0)), "name": name, "id": pk}
        for pk, name, score in scored
    ]
    if len(points) > VALUE_POINTS:
        most = sorted(points, key=lambda p: (-p["y"], p["name"], p["id"]))[:VALUE_POINTS]
        keep = {p["id"] for p in most}
        return [p for p in points if p["id"] in keep], len(points)
    return points, len(points)


def dashboard_fresh_for(now: datetime.datetime) -> int:
    """How many seconds the dashboard's figures hold with nothing written: until the next open
    concern runs out of time, and never past a day (the key holds the day)."""
    day = 24 * 3600
    turns = Concern.objects.next_past_target(now)
    return day if turns is None else min(day, math.ceil((turns - now).total_seconds()))


def partnership_url_pattern() -> str:
    """The workspace's path with ``{id}`` for the partnership: one reverse() for all points."""
    sentinel = 987654321
    return reverse("partnerships:detail", args=[sentinel]).replace(str(sentinel), "{id}")


def _due(user, today: datetime.date, now: datetime.datetime) -> list[dict]:
    end = week_end(today)
    live_ids = live(user).values("pk")
    p = live(user).aggregate(
        check_ins=Count("pk", filter=Q(next_check_in_due__lte=end)),
        check_ins_overdue=Count("pk", filter=Q(next_check_in_due__lt=today)),
        reviews=Count("pk", filter=Q(next_review_due__lte=end)),
        reviews_overdue=Count("pk", filter=Q(next_review_due__lt=today)),
    )
    a = (
        ActionItem.objects.open()
        .filter(partnership__in=live_ids, due_on__lte=end)
        .aggregate(actions=Count("pk"), actions_overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    concerns = Concern.objects.filter(concern_past_target(now), partnership__in=live_ids).count()
    return [
        {"kind": "check_ins", "label": "Check-ins", "count": p["check_ins"],
         "overdue": p["check_ins_overdue"], "icon": "chat-square-text"},
        {"kind": "reviews", "label": "Reviews", "count": p["reviews"],
         "overdue": p["reviews_overdue"], "icon": "clipboard-data"},
        {"kind": "actions", "label": "Action items", "count": a["actions"],
         "overdue": a["actions_overdue"], "icon": "check2-square"},
        {"kind": "concerns", "label": "Concerns past target", "count": concerns,
         "overdue": 0, "icon": "exclamation-diamond"},  # all past target: no second figure
    ]  # fmt: skip


def _notices(user, today: datetime.date) -> QuerySet[Agreement]:
    return Agreement.objects.filter(
        status=AgreementStatus.SIGNED,
        notice_deadline__gte=today,
        notice_deadline__lte=today + datetime.timedelta(days=NOTICE_DAYS),
        partnership__in=access.visible_partnerships(user).exclude(stage=Stage.ENDED).values("pk"),
    ).order_by("notice_deadline", "partnership__name")


# The lists behind the figures ---------------------------------------------------------------------


def health_rows(user, settings: HealthSettings, band: str = "") -> QuerySet[Partnership]:
    """Live partnerships, weakest first; those not scored yet last."""
    rows = live(user).select_related("health", "organization", "executive_sponsor")
    if band in Band.values:
        rows = rows.filter(settings.band_filter(band, "health__score"))
    return rows.order_by(F("health__score").asc(nulls_last=True), "name")


# The columns of the "everything" list: one row per thing due, whatever its kind.
DUE_COLUMNS = (
    "row_kind", "row_order", "row_due", "row_pk", "row_partnership_id", "row_partnership_name",
    "row_title",
)  # fmt: skip


def _due_row(kind: str, order: int, *, due, pk, partnership_id, partnership_name, title) -> dict:
    return {
        "row_kind": Value(kind, output_field=CharField()),
        "row_order": Value(order, output_field=IntegerField()),
        "row_due": due,
        "row_pk": pk,
        "row_partnership_id": partnership_id,
        "row_partnership_name": partnership_name,
        "row_title": title,
    }


def scheduled_review_pk() -> Subquery:
    return Subquery(
        Review.objects.filter(partnership=OuterRef("pk"), held_on__isnull=True).values("pk")[:1]
    )


def due_all(user, *, now: datetime.datetime) -> QuerySet:
    """Everything the dashboard's "Due this week" figure counts, in one list: the check-ins and
    reviews due or overdue, the open action items due, the concerns past target. One UNION ALL
    of the four lists below, paginated by the database (a COUNT and a page, whatever the size).
    ``row_pk`` is the check-in's partnership, the scheduled review (if any), the action item or
    the concern."""
    today = timezone.localdate(now)
    end = week_end(today)
    live_ids = live(user).values("pk")
    target = Case(When(acknowledged_at__isnull=True, then=F("respond_by")), default=F("resolve_by"))
    parts = [
        live(user)
        .filter(next_check_in_due__lte=end)
        .annotate(**_due_row("check_in", 1, due=F("next_check_in_due"), pk=F("pk"),
                             partnership_id=F("pk"), partnership_name=F("name"),
                             title=Value("Check-in", output_field=CharField()))),
        live(user)
        .filter(next_review_due__lte=end)
        .annotate(**_due_row("review", 2, due=F("next_review_due"), pk=scheduled_review_pk(),
                             partnership_id=F("pk"), partnership_name=F("name"),
                             title=Value("Review", output_field=CharField()))),
        ActionItem.objects.open()
        .filter(partnership__in=live_ids, due_on__lte=end)
        .annotate(**_due_row("action", 3, due=F("due_on"), pk=F("pk"),
                             partnership_id=F("partnership_id"),
                             partnership_name=F("partnership__name"), title=F("title"))),
        Concern.objects.filter(concern_past_target(now), partnership__in=live_ids)
        .annotate(**_due_row("concern", 4, due=TruncDate(target), pk=F("pk"),
                             partnership_id=F("partnership_id"),
                             partnership_name=F("partnership__name"), title=F("title"))),
    ]  # fmt: skip
    first, *others = [part.order_by().values(*DUE_COLUMNS) for part in parts]
    return first.union(*others, all=True).order_by("row_due", "row_order", "row_pk")


def due_rows(user, kind: str, *, now: datetime.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = week_end(today)
    live_ids = live(user).values("pk")
    if kind == "all":
        return due_all(user, now=now)
    if kind == "check_ins":
        return (
            live(user)
            .filter(next_check_in_due__lte=end)
            .select_related("organization", "check_in_cadence")
            .order_by("next_check_in_due", "name")
        )
    if kind == "reviews":
        return (
            live(user)
            .filter(next_review_due__lte=end)
            .select_related("organization", "review_cadence")
            .annotate(scheduled_review_pk=scheduled_review_pk())
            .order_by("next_review_due", "name")
        )
    if kind == "actions":
        return (
            ActionItem.objects.open()
            .filter(partnership__in=live_ids, due_on__lte=end)
            .select_related("owner", "owner_contact", "partnership", "check_in")
            .order_by("due_on", "pk")
        )
    if kind == "concerns":
        target = Case(
            When(acknowledged_at__isnull=True, then=F("respond_by")), default=F("resolve_by")
        )
        return (
            Concern.objects.filter(concern_past_target(now), partnership__in=live_ids)
            .select_related("owner", "partnership")
            .annotate(target_at=target)
            .order_by("target_at", "pk")
        )
    if kind == "notice":
        return _notices(user, today).select_related("partnership", "partnership__organization")
    raise ValueError(kind)


def trend(partnership: Partnership, days: int = 180) -> list[dict]:
    since = timezone.localdate() - datetime.timedelta(days=days)
    return [
        {"x": day.isoformat(), "y": score}
        for day, score in HealthSnapshot.objects.filter(partnership=partnership, day__gte=since)
        .order_by("day")
        .values_list("day", "score")
    ]


def snapshot_on_or_before(partnership: Partnership, day: datetime.date) -> HealthSnapshot | None:
    return (
        HealthSnapshot.objects.filter(partnership=partnership, day__lte=day)
        .order_by("-day")
        .first()
    )


def earliest_snapshot_since(partnership: Partnership, day: datetime.date) -> HealthSnapshot | None:
    return (
        HealthSnapshot.objects.filter(partnership=partnership, day__gte=day).order_by("day").first()
    )
