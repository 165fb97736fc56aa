"""Scale data: N partnerships with a realistic history, for benchmarks (``seed_demo --scale N``).

Everything is written with ``bulk_create`` (a thousand partnerships take seconds, not minutes):
partnerships across the stages (70% active, 10% renewing, 5% each of the others), each with its
partner organisation and a contact, objectives, an agreement (signed for the live and ended ones,
with its plan, responsibilities and ladder), a year of check-ins with their due dates (weekly for
tier 1, monthly otherwise; most on time, some late, some missed), action items, concerns, KPIs
with a year of monthly measurements, four held quarterly reviews with their KPI snapshots,
milestones, opportunities, the timeline, and finally the health scores with 120 days of history.

Each partnership has a "mood" drawn from a seeded random generator, so sentiment, punctuality,
KPI results and hence health spread from at-risk to healthy, and a re-run is reproducible. The
partnerships are named "Scale partnership 00001"…: a second run with a larger N adds only the
missing ones (``--scale 10`` then ``--scale 1000`` gives 1,000).

Bulk inserts skip model ``save()``: fields that ``save()`` would compute (an agreement's notice
deadline) are set here, and agreements get no change-history rows.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from agreements.models import (
    Agreement,
    Channel,
    CommunicationPlan,
    EscalationStep,
    Mechanism,
    Responsibility,
)
from agreements.models import Party as AgreementParty
from agreements.models import Status as AgreementStatus
from communications.models import (
    ActionItem,
    CheckIn,
    Concern,
    DueDate,
    Outcome,
    Timeliness,
)
from objectives.models import Objective
from partnerships.models import Activity, Contact, Organization, Partnership, Stage, Transition
from planning.models import CURRENCY_SYMBOL, Milestone, Opportunity
from reminders.models import Cadence
from reviews import attainment as rule
from reviews.models import KPI, Measurement, Review, Snapshot

from . import demo, services
from .health import LIVE
from .models import HealthSettings, HealthSnapshot

PREFIX = "Scale partnership "
BATCH = 2000
PER_MANAGER = 20
TYPES = ["technology", "channel", "co_marketing", "supply", "joint_venture", "research"]
PATHS = {
    Stage.DEFINING: [],
    Stage.SELECTING: [Stage.SELECTING],
    Stage.AGREEING: [Stage.SELECTING, Stage.AGREEING],
    Stage.ACTIVE: [Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE],
    Stage.RENEWING: [Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE, Stage.RENEWING],
    Stage.ENDED: [Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE, Stage.ENDED],
}
KPIS = [
    # name, unit, direction, baseline, target, red flag
    ("On-time delivery", "%", "higher", Decimal(80), Decimal(98), Decimal(85)),
    ("Cost per order", "€", "lower", Decimal(12), Decimal(9), Decimal(13)),
    ("Joint revenue", "k€", "higher", Decimal(0), Decimal(500), None),
]
SUMMARIES = [
    "Volumes reviewed against forecast; capacity for the peak season agreed.",
    "Service levels discussed; two late deliveries traced to a carrier change.",
    "Pricing for next year: indexation options to be proposed.",
    "Joint roadmap: integration work moves to next quarter.",
    "New account lead introduced; open items handed over.",
]


def stage_of(index: int) -> str:
    slot = index % 20
    return {
        0: Stage.DEFINING,
        1: Stage.SELECTING,
        2: Stage.AGREEING,
        3: Stage.ENDED,
        4: Stage.RENEWING,
        5: Stage.RENEWING,
    }.get(slot, Stage.ACTIVE)


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=int(n))


@dataclass
class Rows:
    """Rows waiting for their bulk insert, table by table."""

    tables: dict[type, list] = field(default_factory=dict)

    def add(self, row) -> None:
        self.tables.setdefault(type(row), []).append(row)

    def write(self, model: type) -> list:
        rows = self.tables.pop(model, [])
        return model.objects.bulk_create(rows, batch_size=BATCH) if rows else []


def seed_scale(count: int, stdout=None, *, history_days: int = demo.HISTORY_DAYS) -> int:
    """Make sure ``count`` scale partnerships exist; returns how many were added."""
    coo = (
        User.objects.filter(email="coo@accord.example").first() or User.objects.executives().first()
    )
    if coo is None:
        raise RuntimeError("Run seed_demo first: the scale data needs an executive sponsor.")
    names = [f"{PREFIX}{i:05d}" for i in range(1, count + 1)]
    existing = set(Partnership.objects.filter(name__in=names).values_list("name", flat=True))
    todo = [(i, name) for i, name in enumerate(names, start=1) if name not in existing]
    if not todo:
        return 0
    with transaction.atomic():
        made = _seed(todo, coo, count)
    services.refresh_health()
    _history([p.pk for p in made if p.stage in LIVE], history_days)
    if stdout is not None:
        stdout.write(f"Scale data: {len(made):,} partnerships added ({count:,} in all).")
    return len(made)


def _managers(count: int) -> list[User]:
    wanted = max(1, (count + PER_MANAGER - 1) // PER_MANAGER)
    emails = [f"scale.manager{i:03d}@accord.example" for i in range(1, wanted + 1)]
    have = {u.email: u for u in User.objects.filter(email__in=emails)}
    password = make_password("accord-demo")  # one slow hash, shared
    new = [
        User(
            email=e,
            full_name=f"Scale Manager {e[13:16]}",
            time_zone="Europe/London",
            password=password,
        )
        for e in emails
        if e not in have
    ]
    if new:
        User.objects.bulk_create(new, batch_size=BATCH)
        group = Group.objects.get(name=roles.PARTNER_MANAGER)
        created = list(User.objects.filter(email__in=[u.email for u in new]))
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in created]
        )
        have.update({u.email: u for u in created})
    return [have[e] for e in emails]


def _seed(todo: list[tuple[int, str]], coo: User, count: int) -> list[Partnership]:
    today = timezone.localdate()
    now = timezone.now()
    managers = _managers(count)
    weekly = Cadence.objects.get(name="Weekly check-in")
    monthly = Cadence.objects.get(name="Monthly check-in")
    quarterly = Cadence.objects.get(name="Quarterly business review")
    rows = Rows()

    # Partners and partnerships ------------------------------------------------------------------
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                name=f"Scale Partner {i:05d}", industry="Logistics", region="Europe", size="large"
            )
            for i, _ in todo
        ],
        batch_size=BATCH,
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(organization=o, name=f"Contact of {o.name}", title="Partner lead")
            for o in organizations
        ],
        batch_size=BATCH,
    )
    plans = []
    for (i, name), organization in zip(todo, organizations, strict=True):
        rng = random.Random(i)
        stage = stage_of(i)
        tier = 1 if i % 5 == 0 else (2 if i % 5 < 3 else 3)
        live = stage in LIVE
        chosen = stage not in (Stage.DEFINING, Stage.SELECTING)
        started = stage in (*LIVE, Stage.ENDED)
        plans.append(
            Partnership(
                name=name,
                type=TYPES[i % len(TYPES)],
                tier=tier,
                description="Generated for the scale benchmark.",
                executive_sponsor=coo,
                organization=organization if chosen else None,
                start_date=today - days(rng.randint(400, 1100)) if started else None,
                stage=stage,
                ended_reason="Targets missed; both sides agreed to close."
                if stage == Stage.ENDED
                else "",
                check_in_cadence=(weekly if tier == 1 else monthly) if live else None,
                review_cadence=quarterly if live else None,
                next_check_in_due=today + days(rng.randint(-12, 25)) if live else None,
                next_review_due=today + days(rng.randint(-15, 80)) if live else None,
            )
        )
    partnerships = Partnership.objects.bulk_create(plans, batch_size=BATCH)
    Partnership.managers.through.objects.bulk_create(
        [
            Partnership.managers.through(
                partnership_id=p.pk, user_id=managers[(i - 1) // PER_MANAGER % len(managers)].pk
            )
            for (i, _), p in zip(todo, partnerships, strict=True)
        ],
        batch_size=BATCH,
    )
    manager_of = {
        p.pk: managers[(i - 1) // PER_MANAGER % len(managers)]
        for (i, _), p in zip(todo, partnerships, strict=True)
    }

    for (i, _), p, contact in zip(todo, partnerships, contacts, strict=True):
        rng = random.Random(i * 7919)
        mood = rng.uniform(1.6, 4.8)  # how well it goes: drives everything below
        manager = manager_of[p.pk]
        rows.add(
            Activity(
                partnership=p,
                kind="partnership",
                summary=f"Partnership created by {coo}",
                actor=coo,
            )
        )
        previous = Stage.DEFINING
        for to_stage in PATHS[Stage(p.stage)]:
            rows.add(Transition(partnership=p, from_stage=previous, to_stage=to_stage, by=coo))
            rows.add(
                Activity(
                    partnership=p,
                    kind="stage",
                    summary=f"Moved from {Stage(previous).label} to {Stage(to_stage).label}",
                    actor=coo,
                )
            )
            previous = to_stage
        for n, category in enumerate(("cost_savings", "market_expansion")):
            rows.add(
                Objective(
                    partnership=p,
                    party="ours",
                    category=category,
                    title=f"Objective {n + 1}",
                    success_measure="Measured monthly",
                    baseline=Decimal(100),
                    target=Decimal(80 if n == 0 else 150),
                    unit="%",
                    due_date=today + days(rng.randint(60, 500)),
                    owner=manager,
                    status="on_track" if mood > 3 else "at_risk",
                )
            )
        if p.stage in (Stage.DEFINING, Stage.SELECTING):
            continue
        _agreement(rows, p, coo, manager, contact, rng, today, weekly, monthly, quarterly)
        if p.stage not in LIVE:
            continue
        _check_ins(rows, p, manager, rng, mood, today)
        _actions(rows, p, manager, rng, mood, today, now)
        _concerns(rows, p, manager, rng, mood, now)
        _relationship(rows, p, manager, rng, mood, today)

    rows.write(Transition)
    rows.write(Objective)
    agreements = rows.write(Agreement)
    for agreement in agreements:
        for row in agreement._parts:
            row.agreement_id = agreement.pk
            rows.add(row)
    rows.write(CommunicationPlan)
    rows.write(Responsibility)
    rows.write(EscalationStep)
    check_ins = rows.write(CheckIn)
    for check_in in check_ins:
        check_in._due.check_in_id = check_in.pk
    rows.write(DueDate)
    rows.write(ActionItem)
    rows.write(Concern)
    rows.write(Milestone)
    rows.write(Opportunity)
    _kpis_and_reviews(rows, [p for p in partnerships if p.stage in LIVE], manager_of, today)
    rows.write(Activity)
    return partnerships


def _agreement(rows, p, coo, manager, contact, rng, today, weekly, monthly, quarterly) -> None:
    if p.stage == Stage.AGREEING:
        status, effective = AgreementStatus.DRAFT, today + days(30)
        expiry = effective + relativedelta(years=3)
    else:
        effective = p.start_date
        if p.stage == Stage.RENEWING:
            expiry = today + days(rng.randint(10, 80))  # the notice deadline has passed
        elif p.stage == Stage.ENDED:
            expiry = today - days(rng.randint(30, 300))
        else:
            expiry = today + days(90 + rng.randint(10, 900))
        status = AgreementStatus.TERMINATED if p.stage == Stage.ENDED else AgreementStatus.SIGNED
    signed = status != AgreementStatus.DRAFT
    agreement = Agreement(
        partnership=p,
        version=1,
        status=status,
        title=f"{p.name} agreement",
        effective_date=effective,
        expiry_date=expiry,
        notice_period_days=90,
        commercial_terms="Per-unit fee with volume tiers; service credits below 96%.",
        our_signatory="Olivia Grant, COO" if signed else "",
        partner_signatory=f"{contact.name}, {contact.title}" if signed else "",
        signed_on=effective - days(7) if signed else None,
        signed_by=coo if signed else None,
        ended_note=p.ended_reason,
        created_by=coo,
    )
    agreement.notice_deadline = agreement.compute_notice_deadline()  # bulk_create skips save()
    cadence = weekly if p.tier == 1 else monthly
    agreement._parts = [
        CommunicationPlan(
            check_in_cadence=cadence,
            review_cadence=quarterly,
            channels=[Channel.VIDEO, Channel.EMAIL],
            our_lead=manager,
            partner_lead=contact,
            reporting="Volumes and service levels",
            reporting_frequency="monthly",
        ),
        Responsibility(
            party=AgreementParty.US, area="Forecasts", description="Rolling forecast.",
            accountable_user=manager,
        ),
        Responsibility(
            party=AgreementParty.PARTNER, area="Fulfilment", description="Ship within 24 hours.",
            accountable_contact=contact,
        ),
        EscalationStep(
            level=1, mechanism=Mechanism.NEGOTIATION, our_role="Partner manager",
            partner_role="Account lead", days_to_respond=10,
        ),
    ]  # fmt: skip
    rows.add(agreement)


def _check_ins(rows, p, manager, rng, mood, today) -> None:
    """A year of due dates behind the next one: on time, late or missed as the mood has it."""
    cadence = p.check_in_cadence
    due = p.next_check_in_due
    punctual = min(0.95, 0.35 + mood / 6)
    held_count = 0
    while True:
        due = due - cadence.step
        if due < today - days(365):
            break
        draw = rng.random()
        # The latest due date was answered: its check-in set the next one.
        if held_count and draw > punctual + (1 - punctual) * 0.6:
            rows.add(DueDate(partnership=p, due_on=due, outcome=Outcome.MISSED))
            continue
        on_time = draw <= punctual
        held = due - days(rng.randint(0, 2)) if on_time else due + days(rng.randint(1, 5))
        held = min(held, today)
        sentiment = max(1, min(5, round(rng.gauss(mood, 0.7))))
        check_in = CheckIn(
            partnership=p,
            held_on=held,
            kind="call" if held_count % 3 else "meeting",
            summary=SUMMARIES[held_count % len(SUMMARIES)],
            sentiment=sentiment,
            topics=["volumes"],
            due_on=due,
            timeliness=Timeliness.ON_TIME if on_time else Timeliness.LATE,
            logged_by=manager,
        )
        check_in._due = DueDate(
            partnership=p, due_on=due, outcome=Outcome.ON_TIME if on_time else Outcome.LATE
        )
        rows.add(check_in)
        rows.add(check_in._due)
        held_count += 1
        if held_count <= 6:
            rows.add(
                Activity(
                    partnership=p,
                    kind="check_in",
                    summary=f"Check-in logged on {held:%-d %b %Y}, sentiment {sentiment}/5",
                    actor=manager,
                )
            )


def _actions(rows, p, manager, rng, mood, today, now) -> None:
    for n in range(4):
        done = n < 2
        overdue_odds = 0.7 if mood < 2.8 else 0.2
        due = today + days(
            rng.randint(-25, -1) if rng.random() < overdue_odds else rng.randint(1, 30)
        )
        rows.add(
            ActionItem(
                partnership=p,
                title=f"Follow-up {n + 1}",
                party="us",
                owner=manager,
                due_on=due,
                status="done" if done else "open",
                completed_at=now - days(rng.randint(1, 60)) if done else None,
                created_by=manager,
            )
        )


def _concerns(rows, p, manager, rng, mood, now) -> None:
    if rng.random() > 0.45:
        return
    raised = now - days(rng.randint(1, 60))
    answered = rng.random() < mood / 5
    acknowledged = raised + datetime.timedelta(hours=rng.randint(2, 48)) if answered else None
    resolved = answered and rng.random() < 0.6
    rows.add(
        Concern(
            partnership=p,
            kind="issue",
            title="Missed delivery windows",
            raised_by="partner",
            severity="high",
            owner=manager,
            raised_at=raised,
            respond_by=raised + datetime.timedelta(hours=24),
            resolve_by=raised + datetime.timedelta(hours=120),
            acknowledged_at=acknowledged,
            resolved_at=acknowledged + datetime.timedelta(hours=24) if resolved else None,
            resolution="Carrier replaced." if resolved else "",
            created_by=manager,
        )
    )


def _relationship(rows, p, manager, rng, mood, today) -> None:
    achieved = max(p.start_date, today - days(rng.randint(3, 200)))
    rows.add(
        Milestone(
            partnership=p,
            title="First joint launch",
            target_date=achieved + days(5),
            achieved_on=achieved,
            evidence="Launch report signed by both sides.",
            value_amount=Decimal(rng.randint(2, 80) * 5000),
            value_unit=CURRENCY_SYMBOL,
            achieved_by=manager,
            created_by=manager,
        )
    )
    rows.add(
        Activity(
            partnership=p,
            kind="milestone",
            summary="Milestone achieved: First joint launch",
            actor=manager,
        )
    )
    for n, ahead in enumerate((rng.randint(20, 200), rng.randint(-40, 60))):
        rows.add(
            Milestone(
                partnership=p, title=f"Next milestone {n + 1}", target_date=today + days(ahead),
                created_by=manager,
            )
        )  # fmt: skip
    for n in range(2):
        status = rng.choice(["idea", "evaluating", "planned", "pursued", "declined"])
        rows.add(
            Opportunity(
                partnership=p,
                title=f"Opportunity {n + 1}",
                estimated_value=Decimal(rng.randint(1, 60) * 10000),
                horizon=rng.choice(["next_quarter", "next_year", "later"]),
                status=status,
                declined_reason="Not worth it now." if status == "declined" else "",
                owner=manager,
                created_by=manager,
            )
        )


def _kpis_and_reviews(rows, live: list[Partnership], manager_of: dict, today) -> None:
    kpis = []
    for p in live:
        for name, unit, direction, baseline, target, red in KPIS:
            kpis.append(
                KPI(
                    partnership=p, name=name, unit=unit, direction=direction, baseline=baseline,
                    target=target, red_flag=red, frequency="monthly", owner=manager_of[p.pk],
                )
            )  # fmt: skip
    kpis = KPI.objects.bulk_create(kpis, batch_size=BATCH)
    this_month = today.replace(day=1)
    values: dict[int, list[tuple[datetime.date, Decimal]]] = {}
    for n, kpi in enumerate(kpis):
        rng = random.Random(kpi.partnership_id * 31 + n % len(KPIS))
        reach = rng.uniform(0.1, 1.1)  # how far towards the target it gets in a year
        series = []
        for back in range(12, 0, -1):
            period = this_month - relativedelta(months=back)
            progress = reach * (12 - back + 1) / 12 + rng.uniform(-0.05, 0.05)
            value = (
                kpi.baseline + (kpi.target - kpi.baseline) * Decimal(str(round(progress, 3)))
            ).quantize(Decimal("0.01"))
            series.append((period, value))
            rows.add(
                Measurement(
                    kpi=kpi, period=period, value=value, recorded_by=manager_of[kpi.partnership_id]
                )
            )
        values[kpi.pk] = series
    rows.write(Measurement)

    by_partnership: dict[int, list[KPI]] = {}
    for kpi in kpis:
        by_partnership.setdefault(kpi.partnership_id, []).append(kpi)
    reviews = []
    for p in live:
        rng = random.Random(p.pk)
        manager = manager_of[p.pk]
        for k in range(4, 0, -1):
            due = p.next_review_due - relativedelta(months=3 * k)
            held = min(due + days(rng.choice([-2, 0, 0, 1, 3, 8])), today)
            if held < p.start_date:
                continue
            review = Review(
                partnership=p, kind="quarterly", due_on=due, held_on=held,
                rating=rng.randint(2, 5), summary="Quarter reviewed against the KPIs.",
                held_by=manager, created_by=manager,
            )  # fmt: skip
            review._kpis = by_partnership.get(p.pk, [])
            reviews.append(review)
    reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
    for review in reviews:
        for kpi in review._kpis:
            seen = [(d, v) for d, v in values[kpi.pk] if d <= review.held_on]
            period, value = seen[-1] if seen else (None, None)
            judged = value is not None
            rows.add(
                Snapshot(
                    review=review, kpi=kpi, kpi_name=kpi.name, unit=kpi.unit,
                    direction=kpi.direction, frequency=kpi.frequency, baseline=kpi.baseline,
                    target=kpi.target, red_flag=kpi.red_flag, as_of=review.held_on, period=period,
                    value=value,
                    attainment=rule.attainment(
                        value=value, baseline=kpi.baseline, target=kpi.target
                    ) if judged else None,
                    status=rule.status(
                        value=value, target=kpi.target, direction=kpi.direction,
                        red_flag=kpi.red_flag,
                    ) if judged else "",
                )
            )  # fmt: skip
    rows.write(Snapshot)


def _history(pks: list[int], history_days: int) -> None:
    """Made-up daily snapshots behind today's, as the demo has (see portfolio/demo.py)."""
    if not history_days:
        return
    weights = HealthSettings.load().weights()
    today = timezone.localdate()
    latest = dict(
        HealthSnapshot.objects.filter(partnership_id__in=pks, day=today).values_list(
            "partnership_id", "parts"
        )
    )
    rows = []
    for pk in pks:
        if pk in latest:
            rows += demo.history(pk, latest[pk], weights, today, history_days)
        if len(rows) >= 20_000:
            HealthSnapshot.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
            rows = []
    HealthSnapshot.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
