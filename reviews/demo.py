"""Demo KPIs for the live demo partnerships: two years of measurements (a mix of on target,
watch and red flag today) and the last quarterly reviews, held, with their frozen snapshots and
decisions (action items, a note, one adjustment of an objective).

Idempotent: a partnership that already has KPIs is left alone. Rows go in with bulk_create."""

import datetime
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Cast, Least
from django.utils import timezone

from accounts.models import User
from communications.models import ActionItem, ActionStatus, Party
from objectives.models import Objective
from partnerships.models import Activity, Partnership, Stage

from .attainment import Frequency, period_start, period_step
from .models import KPI, Decision, DecisionKind, Kind, Measurement, Review, Snapshot

# partnership -> KPIs: (name, unit, direction, baseline, target, red flag, frequency,
# objective title, first value, latest value, decimals)
# fmt: off
KPIS = {
    "Northwind fulfilment network": [
        ("On-time delivery", "%", "higher", "88", "97", "90", "monthly",
         None, "88.4", "96.2", 1),
        ("Cost per order", "€", "lower", "6.40", "4.80", "6.00", "monthly",
         "Cut the cost per order shipped", "6.38", "4.74", 2),
        ("Next-day delivery share", "%", "higher", "62", "95", "65", "monthly",
         "Next-day delivery in 14 countries", "62.5", "81.0", 1),
    ],
    "Helios cloud co-sell": [
        ("Marketplace pipeline added", "€", "higher", "50000", "400000", "100000", "monthly",
         "Marketplace-sourced pipeline", "52000", "310000", 0),
        ("Co-sell deals closed", "deals", "higher", "0", "6", None, "monthly",
         None, "0", "7", 0),
        ("Committed spend drawn down", "%", "higher", "0", "100", None, "quarterly",
         "Joint annual commitment drawn down", "4", "62", 0),
    ],
    "Verdant sustainable packaging": [
        ("Recycled share", "%", "higher", "18", "60", "20", "monthly",
         "Recycled share of packaging", "18.2", "41.0", 1),
        ("Packaging cost per unit", "€", "lower", "0.42", "0.40", "0.46", "monthly",
         "Keep packaging cost flat", "0.42", "0.47", 2),
    ],
    "Meridian APAC distribution": [
        ("Net revenue, rolling 12 months", "€", "higher", "1200000", "4000000", "2000000",
         "monthly", "Revenue in Japan and South Korea", "1250000", "4100000", 0),
        ("Stores with the range", "stores", "higher", "0", "400", "150", "monthly",
         "Stores carrying the range", "12", "310", 0),
    ],
    "Lumen applied research": [
        ("Methods adopted", "methods", "higher", "0", "2", None, "quarterly",
         "Route-optimisation research we can use", "0", "1", 0),
        ("Datasets shared", "datasets", "higher", "0", "5", None, "quarterly",
         "Access to real logistics data", "0", "3", 0),
    ],
}
SUMMARIES = [
    "First review on the new KPIs: baselines confirmed by both sides, targets agreed.",
    "A mixed quarter: volumes held, cost improved, service levels slipped in two countries.",
    "Solid progress against the plan; the partner asked for earlier sight of our forecasts.",
    "Most KPIs moved the right way this quarter. Agreed to focus on the ones still on watch.",
]
ACTIONS = [
    "Share the quarterly forecast two weeks before the next review",
    "Agree a recovery plan for the KPI on watch",
    "Review the red-flag thresholds with the partner's operations lead",
    "Prepare a joint case study for the board",
]
NOTES = [
    "Keep the current targets for another quarter.",
    "Report the KPIs monthly to both sponsors.",
    "Escalate any red flag to the sponsors within a week.",
    "Hold the next review on site.",
]
# fmt: on
YEARS = 2
REVIEWS = 4


def seed(stdout) -> None:
    coo = User.objects.filter(email="coo@accord.example").first()
    if coo is None:
        return
    today = timezone.localdate()
    partnerships = (
        Partnership.objects.filter(
            name__in=KPIS, stage__in=[Stage.ACTIVE, Stage.RENEWING], kpis__isnull=True
        )
        .prefetch_related("managers")
        .order_by("name")
    )
    added = 0
    for partnership in partnerships:
        _seed(partnership, coo, today)
        added += 1
    stdout.write(f"KPIs and reviews: {added} partnership{'s' if added != 1 else ''} seeded.")


def _periods(frequency: str, today: datetime.date) -> list[datetime.date]:
    """Two years of periods, oldest first, up to the last complete one."""
    step = period_step(frequency)
    last = period_start(today, frequency) - step
    count = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4}[Frequency(frequency)] * YEARS
    return [last - step * n for n in range(count - 1, -1, -1)]


def _series(rng: random.Random, first: Decimal, last: Decimal, n: int, places: int) -> list:
    spread = abs(last - first) * Decimal("0.06")
    quantum = Decimal(1).scaleb(-places)
    values = []
    for i in range(n):
        share = Decimal(i) / Decimal(max(n - 1, 1))
        trend = first + (last - first) * share
        wobble = spread * Decimal(str(round(rng.uniform(-1, 1), 3))) if 0 < i < n - 1 else 0
        values.append(max(Decimal(0), trend + wobble).quantize(quantum))
    return values


def _seed(partnership: Partnership, coo: User, today: datetime.date) -> None:
    rng = random.Random(partnership.name)
    manager = partnership.managers.first() or coo
    objectives = {o.title: o for o in Objective.objects.filter(partnership=partnership)}
    kpis, measurements, values_of = [], [], {}
    for name, unit, direction, baseline, target, red_flag, frequency, objective, *rest in KPIS[
        partnership.name
    ]:
        first, last, places = rest
        kpi = KPI(
            partnership=partnership,
            objective=objectives.get(objective) if objective else None,
            name=name,
            unit=unit,
            direction=direction,
            baseline=Decimal(baseline),
            target=Decimal(target),
            red_flag=Decimal(red_flag) if red_flag else None,
            frequency=frequency,
            owner=manager,
        )
        kpi.full_clean(validate_unique=False)
        kpis.append(kpi)
    KPI.objects.bulk_create(kpis)
    for kpi, row in zip(kpis, KPIS[partnership.name], strict=True):
        first, last, places = row[-3:]
        periods = _periods(kpi.frequency, today)
        series = _series(rng, Decimal(first), Decimal(last), len(periods), places)
        values_of[kpi.pk] = list(zip(periods, series, strict=True))
        measurements += [
            Measurement(kpi=kpi, period=p, value=v, recorded_by=manager)
            for p, v in values_of[kpi.pk]
        ]
    Measurement.objects.bulk_create(measurements, batch_size=1000)
    # Recorded a few days after each period ended, not all on the day the demo was loaded.
    days = {Frequency.MONTHLY: 35, Frequency.QUARTERLY: 96}
    for kpi in kpis:
        Measurement.objects.filter(kpi=kpi).update(
            recorded_at=Least(
                Cast(F("period"), DateTimeField())
                + Value(datetime.timedelta(days=days[kpi.frequency])),
                Value(timezone.now()),
            )
        )
    _reviews(partnership, coo, manager, kpis, values_of, today, rng)
    _activity(partnership, "kpi", f"{len(kpis)} KPIs set up with the partner", coo, today)


def _reviews(partnership, coo, manager, kpis, values_of, today, rng) -> None:
    due = partnership.next_review_due or today
    cadence = relativedelta(months=3)
    held = []
    for k in range(REVIEWS, 0, -1):
        due_on = due - cadence * k
        held_on = min(due_on + datetime.timedelta(days=rng.choice([0, 1, 2, 5])), today)
        if due_on >= today:
            continue
        held.append((due_on, held_on))
    objectives = [k.objective for k in kpis if k.objective_id]
    for index, (due_on, held_on) in enumerate(held):
        latest = index == len(held) - 1
        review = Review.objects.create(
            partnership=partnership,
            kind=Kind.QUARTERLY,
            due_on=due_on,
            held_on=held_on,
            rating=[3, 4, 3, 4][index % 4],
            summary=SUMMARIES[index % len(SUMMARIES)],
            held_by=coo,
            created_by=manager,
        )
        review.attendees.set({coo, manager})
        Snapshot.objects.bulk_create(_snapshots(review, kpis, values_of))
        action = ActionItem.objects.create(
            partnership=partnership,
            title=ACTIONS[index % len(ACTIONS)],
            party=Party.US,
            owner=manager,
            due_on=held_on + datetime.timedelta(days=30),
            status=ActionStatus.OPEN if latest else ActionStatus.DONE,
            completed_at=None
            if latest
            else timezone.make_aware(
                datetime.datetime.combine(held_on + datetime.timedelta(days=20), datetime.time(10))
            ),
            created_by=coo,
        )
        decisions = [
            Decision(
                review=review,
                text=action.title,
                kind=DecisionKind.ACTION,
                action_item=action,
                recorded_by=coo,
            ),
            Decision(
                review=review, text=NOTES[index % len(NOTES)], kind=DecisionKind.NOTE,
                recorded_by=coo,
            ),
        ]  # fmt: skip
        if index == 0 and objectives:
            objective = objectives[0]
            if objective.due_date:
                decisions.append(
                    Decision(
                        review=review,
                        text=f"Give “{objective.title}” one more quarter.",
                        kind=DecisionKind.ADJUSTMENT,
                        objective=objective,
                        old_target=objective.target,
                        new_target=None,
                        old_due_date=objective.due_date - relativedelta(months=3),
                        new_due_date=objective.due_date,
                        reason="The partner's new site opened a quarter late.",
                        recorded_by=coo,
                    )
                )
        Decision.objects.bulk_create(decisions)
        _activity(
            partnership,
            "review",
            f"Quarterly business review held on {held_on:%-d %b %Y}: rated {review.rating}/5",
            coo,
            held_on,
            review.get_absolute_url(),
        )


def _snapshots(review: Review, kpis: list[KPI], values_of: dict) -> list[Snapshot]:
    rows = []
    for kpi in kpis:
        before = [(p, v) for p, v in values_of[kpi.pk] if p <= review.held_on]
        reading = kpi.read(before[-1][1], before[-1][0]) if before else None
        rows.append(
            Snapshot(
                review=review,
                kpi=kpi,
                kpi_name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                frequency=kpi.frequency,
                baseline=kpi.baseline,
                target=kpi.target,
                red_flag=kpi.red_flag,
                as_of=review.held_on,
                period=reading.period if reading else None,
                value=reading.value if reading else None,
                attainment=reading.attainment if reading else None,
                status=reading.status if reading else "",
            )
        )
    return rows


def _activity(partnership, kind: str, summary: str, actor, day: datetime.date, url: str = ""):
    row = Activity.objects.create(
        partnership=partnership, kind=kind, summary=summary[:300], actor=actor, url=url
    )
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    Activity.objects.filter(pk=row.pk).update(at=when)  # a history, not today's news
