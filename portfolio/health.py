"""The health score, explained.

A live partnership's health (0–100) is the weighted mean of five parts, each 0–100 with a
sentence that says why:

- **KPI attainment** — the mean attainment of its KPIs at their latest measurement, each held to
  0–100% (``reviews.selectors.kpi_attainment_for_partnerships``: the reviews step's rule);
- **cadence compliance** — the share held on time of its last 12 check-in due dates (a due date
  missed since the last check-in counts, as in communications' compliance) and of the reviews
  held in the last year (on time: held by its due date); a review overdue now counts as missed;
- **open concerns and response time** — 100, minus 30 for each open concern past its response
  or resolution target, 10 for each other open concern, and 10 for each concern answered late
  in the last 90 days;
- **overdue action items** — 100, minus 15 for each open action item past its due date;
- **sentiment trend** — the mean sentiment (1–5) of the check-ins of the last 90 days on a 0–100
  scale, moved by 12.5 points for each point it rose or fell against the 90 days before;
- **partner's view** — the partner's overall average (1–5) in the latest joint health check
  closed in the last 12 months, on a 0–100 scale; its detail names the gap with our own average
  and the area where the two sides differ most (``healthcheck``: the check's frozen figures).

A part counts once there is something to judge it by (a KPI measured, a due date passed, a
concern raised, an action item recorded, a check-in in the last 90 days, a health check closed in
the last 12 months with enough of the partner's answers to show). A part with no data yet
is left out and the weights of the others rescale: the page says so. Every value is clamped to
0–100 and rounded.

Everything here is computed in a fixed number of queries for any number of partnerships
(:func:`compute`), so the daily snapshot of a thousand partnerships costs a handful of queries.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from communications.models import (
    ActionItem,
    ActionStatus,
    CheckIn,
    Concern,
    DueDate,
    Outcome,
    past_target,
)
from communications.services import COMPLIANCE_WINDOW, missed_due_dates
from healthcheck.models import Area
from healthcheck.selectors import RECENT_MONTHS, latest_recent, recent_since
from healthcheck.services import NOTABLE_GAP
from partnerships.models import Partnership, Stage
from reviews.attainment import Status as KPIStatus
from reviews.models import Review
from reviews.selectors import kpi_attainment_for_partnerships

from .models import HealthSettings

LIVE = (Stage.ACTIVE, Stage.RENEWING)
SENTIMENT_DAYS = 90
LATE_ANSWER_DAYS = 90
REVIEW_DAYS = 365
PENALTY_PAST_TARGET = 30
PENALTY_OPEN_CONCERN = 10
PENALTY_LATE_ANSWER = 10
PENALTY_OVERDUE_ACTION = 15
SENTIMENT_TREND_POINTS = 12.5


@dataclass
class Part:
    key: str
    label: str
    weight: int
    value: int | None  # 0–100, None: no data yet
    detail: str

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def counts(self) -> bool:
        return self.value is not None and self.weight > 0


@dataclass
class Health:
    score: int | None
    parts: list[Part]
    reason: str = ""
    counted_weight: int = 0

    @property
    def left_out(self) -> list[Part]:
        return [p for p in self.parts if not p.has_data]

    @property
    def rescaled(self) -> bool:
        return any(not p.has_data and p.weight > 0 for p in self.parts)

    def share(self, part: Part) -> int | None:
        """What the part counts for in this score, in percent, after rescaling."""
        if not part.counts or not self.counted_weight:
            return None
        return round(100 * part.weight / self.counted_weight)

    def as_json(self) -> list[dict]:
        return [asdict(p) for p in self.parts]


def clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def combine(parts: list[Part]) -> Health:
    """The weighted mean of the parts with data; the weakest weighted part gives the reason."""
    counted = [p for p in parts if p.counts]
    total = sum(p.weight for p in counted)
    if not total:
        return Health(score=None, parts=parts, reason="", counted_weight=0)
    score = clamp(sum(p.weight * p.value for p in counted) / total)
    weakest = max(counted, key=lambda p: (p.weight * (100 - p.value), p.weight))
    reason = f"{weakest.label}: {weakest.detail}" if weakest.value < 100 else ""
    return Health(score=score, parts=parts, reason=reason[:300], counted_weight=total)


# The parts, from their inputs ---------------------------------------------------------------------


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def kpi_part(weight: int, attainment: dict | None) -> Part:
    """``attainment``: {"mean": mean attainment in percent (each KPI clipped to 0–100), "kpis":
    how many are measured, "below": how many are under target, "red": how many are red flags},
    or None when no KPI is measured yet."""
    label = "KPI attainment"
    if not attainment or attainment.get("mean") is None:
        return Part("kpi", label, weight, None, "No KPI measured yet.")
    value = clamp(attainment["mean"])
    kpis, below, red = attainment["kpis"], attainment.get("below", 0), attainment.get("red", 0)
    detail = f"{value}% of target on average over {_n(kpis, 'KPI')}"
    if below:
        detail += f"; {below} below target"
        detail += f" ({_n(red, 'red flag')})" if red else ""
    else:
        detail += "; all on target"
    return Part("kpi", label, weight, value, detail + ".")


def cadence_part(
    weight: int,
    outcomes: Sequence[str],
    review_overdue: datetime.date | None,
    reviews: dict | None = None,
) -> Part:
    """``outcomes``: the last check-in due dates' outcomes; ``reviews``: {"on_time", "late"}
    counts of the reviews held in the last year; ``review_overdue``: the due date of a review
    not held yet and past due, which counts as one more missed date."""
    label = "Cadence compliance"
    reviews = reviews or {}
    reviews_on_time, reviews_late = reviews.get("on_time", 0), reviews.get("late", 0)
    held_reviews = reviews_on_time + reviews_late
    total = len(outcomes) + held_reviews + (1 if review_overdue else 0)
    if not total:
        nothing = "No check-in or review due date has passed yet."
        return Part("cadence", label, weight, None, nothing)
    on_time = sum(1 for o in outcomes if o == Outcome.ON_TIME)
    late = sum(1 for o in outcomes if o == Outcome.LATE)
    missed = sum(1 for o in outcomes if o == Outcome.MISSED)
    bits = []
    if outcomes:
        bit = f"{on_time} of the last {_n(len(outcomes), 'check-in due date')} held on time"
        extras = [x for x in (late and f"{late} late", missed and f"{missed} missed") if x]
        bits.append(bit + (f" ({', '.join(extras)})" if extras else ""))
    else:
        bits.append("No check-in due date has passed yet")
    if held_reviews:
        bits.append(f"{reviews_on_time} of {_n(held_reviews, 'review')} in the last year on time")
    if review_overdue:
        bits.append(f"the review due {review_overdue:%-d %b %Y} is overdue")
    value = clamp(100 * (on_time + reviews_on_time) / total)
    return Part("cadence", label, weight, value, "; ".join(bits) + ".")


def concerns_part(weight: int, row: dict | None) -> Part:
    label = "Open concerns and response time"
    if not row or not row.get("ever"):
        return Part("concerns", label, weight, None, "No concern raised yet.")
    past, open_, late = row["past_target"], row["open"], row["answered_late"]
    in_time = open_ - past
    value = clamp(
        100
        - PENALTY_PAST_TARGET * past
        - PENALTY_OPEN_CONCERN * in_time
        - PENALTY_LATE_ANSWER * late
    )
    if not open_ and not late:
        return Part(
            "concerns", label, weight, value, "No open concern; every recent one answered on time."
        )
    bits = []
    if past:
        bits.append(f"{_n(past, 'open concern')} past {'its' if past == 1 else 'their'} target")
    if in_time:
        bits.append(
            f"{in_time} other open"
            if past
            else f"{_n(in_time, 'open concern')} within {'its' if in_time == 1 else 'their'} target"
        )
    if late:
        bits.append(f"{late} answered late in the last {LATE_ANSWER_DAYS} days")
    return Part("concerns", label, weight, value, "; ".join(bits).capitalize() + ".")


def actions_part(weight: int, row: dict | None) -> Part:
    label = "Overdue action items"
    if not row or not row.get("ever"):
        return Part("actions", label, weight, None, "No action item recorded yet.")
    overdue, open_ = row["overdue"], row["open"]
    value = clamp(100 - PENALTY_OVERDUE_ACTION * overdue)
    if not overdue:
        detail = f"None overdue ({_n(open_, 'open item')})." if open_ else "None open."
    else:
        detail = f"{_n(overdue, 'action item')} overdue, of {open_} open."
    return Part("actions", label, weight, value, detail)


def sentiment_part(weight: int, row: dict | None) -> Part:
    label = "Sentiment trend"
    if not row or not row.get("recent_n"):
        return Part(
            "sentiment", label, weight, None, f"No check-in in the last {SENTIMENT_DAYS} days."
        )
    recent = float(row["recent_avg"])
    level = (recent - 1) / 4 * 100
    detail = (
        f"{recent:.1f}/5 over the last {SENTIMENT_DAYS} days ({_n(row['recent_n'], 'check-in')})"
    )
    previous = row.get("previous_avg")
    if previous is None:
        return Part("sentiment", label, weight, clamp(level), detail + ".")
    delta = recent - float(previous)
    if abs(delta) < 0.05:
        detail += ", steady"
    else:
        detail += f", {'up' if delta > 0 else 'down'} from {float(previous):.1f}"
    return Part(
        "sentiment", label, weight, clamp(level + SENTIMENT_TREND_POINTS * delta), detail + "."
    )


def partner_view_part(weight: int, check) -> Part:
    """``check``: the latest joint health check closed in the last 12 months, or None."""
    label = "Partner's view"
    if check is None:
        return Part(
            "partner_view",
            label,
            weight,
            None,
            f"No joint health check closed in the last {RECENT_MONTHS} months.",
        )
    closed = f"{check.closed_on:%-d %b %Y}"
    theirs = check.partner_average
    if theirs is None:
        return Part(
            "partner_view",
            label,
            weight,
            None,
            f"The health check closed {closed} had too few of the partner's answers to show.",
        )
    value = clamp((float(theirs) - 1) / 4 * 100)
    detail = f"The partner rates it {theirs:.1f}/5 in the health check closed {closed}"
    ours = check.our_average
    if ours is not None:
        gap = theirs - ours
        if gap == 0:
            detail += f", as we do ({ours:.1f}/5)"
        else:
            detail += f", we {ours:.1f}/5: a gap of {abs(gap):.1f}"
        widest = check.widest_gap
        if check.widest_gap_area and widest is not None and widest >= NOTABLE_GAP:
            area = Area(check.widest_gap_area).label.lower()
            detail += f"; widest in {area} ({widest:.1f})"
    return Part("partner_view", label, weight, value, detail + ".")


# The inputs, in bulk ------------------------------------------------------------------------------


@dataclass
class Inputs:
    """Everything the parts read, for many partnerships at once, keyed by partnership id."""

    outcomes: dict[int, list[str]] = field(default_factory=dict)
    concerns: dict[int, dict] = field(default_factory=dict)
    actions: dict[int, dict] = field(default_factory=dict)
    sentiment: dict[int, dict] = field(default_factory=dict)
    kpis: dict[int, dict] = field(default_factory=dict)
    reviews: dict[int, dict] = field(default_factory=dict)
    health_checks: dict[int, object] = field(default_factory=dict)


def gather(ids: Iterable[int], *, today: datetime.date, now: datetime.datetime) -> Inputs:
    """Seven queries, whatever the number of partnerships (refresh asks for 500 at a time)."""
    ids = list(ids)
    inputs = Inputs()

    ranked = (
        DueDate.objects.filter(partnership_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("partnership_id")], order_by=F("due_on").desc()
            )
        )
        .filter(rank__lte=COMPLIANCE_WINDOW)
        .order_by("partnership_id", "-due_on")
        .values_list("partnership_id", "outcome")
    )
    outcomes: dict[int, list[str]] = defaultdict(list)
    for pk, outcome in ranked:
        outcomes[pk].append(outcome)
    inputs.outcomes = dict(outcomes)

    open_ = Q(resolved_at__isnull=True)
    clock_run_out = open_ & past_target(now)
    late = Q(
        acknowledged_at__isnull=False,
        acknowledged_at__gt=F("respond_by"),
        raised_at__gte=now - datetime.timedelta(days=LATE_ANSWER_DAYS),
    )
    inputs.concerns = {
        row["partnership_id"]: row
        for row in Concern.objects.filter(partnership_id__in=ids)
        .order_by()
        .values("partnership_id")
        .annotate(
            ever=Count("pk"),
            open=Count("pk", filter=open_),
            past_target=Count("pk", filter=clock_run_out),
            answered_late=Count("pk", filter=late),
        )
    }

    is_open = Q(status=ActionStatus.OPEN)
    inputs.actions = {
        row["partnership_id"]: row
        for row in ActionItem.objects.filter(partnership_id__in=ids)
        .order_by()
        .values("partnership_id")
        .annotate(
            ever=Count("pk"),
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
        )
    }

    recent_from = today - datetime.timedelta(days=SENTIMENT_DAYS)
    previous_from = recent_from - datetime.timedelta(days=SENTIMENT_DAYS)
    recent = Q(held_on__gt=recent_from)
    inputs.sentiment = {
        row["partnership_id"]: row
        for row in CheckIn.objects.filter(
            partnership_id__in=ids, held_on__gt=previous_from, held_on__lte=today
        )
        .order_by()
        .values("partnership_id")
        .annotate(
            recent_n=Count("pk", filter=recent),
            recent_avg=Avg("sentiment", filter=recent),
            previous_avg=Avg("sentiment", filter=~recent),
        )
    }
    inputs.reviews = {
        row["partnership_id"]: row
        for row in Review.objects.held()
        .filter(partnership_id__in=ids, held_on__gt=today - datetime.timedelta(days=REVIEW_DAYS))
        .order_by()
        .values("partnership_id")
        .annotate(
            on_time=Count("pk", filter=Q(held_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(held_on__gt=F("due_on"))),
        )
    }
    inputs.kpis = kpi_attainment(ids)
    inputs.health_checks = latest_recent(ids, since=recent_since(today))
    return inputs


def kpi_attainment(ids: list[int]) -> dict[int, dict]:
    """KPI attainment per partnership, as the reviews step judges it (one query)."""
    found = {}
    for pk, attainment in kpi_attainment_for_partnerships(ids).items():
        measured = attainment.measured
        if not measured:
            continue
        counts = attainment.counts
        found[pk] = {
            "mean": attainment.mean,
            "kpis": len(measured),
            "below": attainment.below_target,
            "red": counts.get(KPIStatus.RED_FLAG, 0),
        }
    return found


def check_in_outcomes(partnership: Partnership, inputs: Inputs, today: datetime.date) -> list[str]:
    """The last 12 check-in due dates' outcomes, newest first, as communications counts them."""
    missed = [Outcome.MISSED] * len(missed_due_dates(partnership, today))
    return missed + inputs.outcomes.get(partnership.pk, [])[: COMPLIANCE_WINDOW - len(missed)]


def parts_for(
    partnership: Partnership,
    inputs: Inputs,
    weights: dict[str, int],
    today: datetime.date,
) -> list[Part]:
    pk = partnership.pk
    review_due = partnership.next_review_due
    outcomes = check_in_outcomes(partnership, inputs, today)
    return [
        kpi_part(weights["kpi"], inputs.kpis.get(pk)),
        cadence_part(
            weights["cadence"],
            outcomes,
            review_due if review_due and review_due < today else None,
            inputs.reviews.get(pk),
        ),
        concerns_part(weights["concerns"], inputs.concerns.get(pk)),
        actions_part(weights["actions"], inputs.actions.get(pk)),
        sentiment_part(weights["sentiment"], inputs.sentiment.get(pk)),
        partner_view_part(weights["partner_view"], inputs.health_checks.get(pk)),
    ]


def compute(
    partnerships: Sequence[Partnership],
    *,
    settings: HealthSettings | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> dict[int, Health]:
    """The health of each partnership (loaded with its ``check_in_cadence``)."""
    settings = settings or HealthSettings.load()
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    inputs = gather([p.pk for p in partnerships], today=today, now=now)
    weights = settings.weights()
    return {p.pk: combine(parts_for(p, inputs, weights, today)) for p in partnerships}


def compute_one(partnership: Partnership, settings: HealthSettings | None = None) -> Health:
    return compute([partnership], settings=settings)[partnership.pk]
