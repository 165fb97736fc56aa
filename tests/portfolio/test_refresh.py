"""Health from real rows: the inputs read in bulk, the stored scores and the daily snapshot."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communications import services as communications
from communications.models import DueDate, Outcome
from partnerships.models import Partnership, Stage
from portfolio import health, services
from portfolio.models import HealthSettings, HealthSnapshot, PartnershipHealth
from tests.communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from tests.reviews.factories import HeldReviewFactory, KPIFactory, MeasurementFactory

from ..healthcheck.factories import closed_row
from .conftest import live_partnership

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def history(partnership: Partnership, outcomes: list[str]) -> None:
    today = timezone.localdate()
    for n, outcome in enumerate(outcomes):
        DueDate.objects.create(
            partnership=partnership, due_on=today - days(30 * (n + 1)), outcome=outcome
        )


def test_a_partnership_with_nothing_to_judge_has_no_score(live):
    result = health.compute_one(live)
    assert result.score is None
    assert all(not p.has_data for p in result.parts)


def test_cadence_compliance_counts_as_communications_does(live):
    today = timezone.localdate()
    live.next_check_in_due = today - days(70)  # two due dates missed since the last check-in
    live.save()
    history(live, [Outcome.ON_TIME] * 6 + [Outcome.LATE] * 3 + [Outcome.MISSED] * 4)
    ours = health.check_in_outcomes(
        live, health.gather([live.pk], today=today, now=timezone.now()), today
    )
    theirs = communications.compliance(live, today)
    assert sorted(ours) == sorted(o for _, o in theirs.outcomes)
    cadence = health.compute_one(live).parts[1]
    assert cadence.value == theirs.percent
    assert cadence.detail.startswith(f"{theirs.on_time} of the last 12 check-in due dates")


def test_each_input_shows_in_its_part(live, bob):
    now = timezone.now()
    CheckInFactory(partnership=live, sentiment=2, held_on=timezone.localdate() - days(10))
    CheckInFactory(partnership=live, sentiment=4, held_on=timezone.localdate() - days(120))
    ActionItemFactory(partnership=live, due_on=timezone.localdate() - days(3))
    ConcernFactory(partnership=live, raised_at=now - days(3))  # its 24 h to respond passed
    result = health.compute_one(live)
    parts = {p.key: p for p in result.parts}
    assert parts["sentiment"].value == clamp(25 - 2 * 12.5)
    assert parts["actions"].value == 85
    assert parts["concerns"].value == 70
    assert parts["kpi"].value is None and parts["cadence"].value is None
    assert result.rescaled
    # 20 × 70 + 10 × 85 + 15 × 0, over 45
    assert result.score == round((20 * 70 + 10 * 85 + 15 * 0) / 45)
    assert result.reason.startswith("Sentiment trend: 2.0/5")


def clamp(value: float) -> int:
    return health.clamp(value)


def test_kpi_attainment_comes_from_the_reviews_step(live):
    # 80 → 100, measured at 90: 50%; the other at 100: on target (100%).
    MeasurementFactory(kpi=KPIFactory(partnership=live, name="On-time delivery"), value=90)
    MeasurementFactory(kpi=KPIFactory(partnership=live, name="Fill rate"), value=100)
    KPIFactory(partnership=live, name="Not measured yet")
    kpi = health.compute_one(live).parts[0]
    assert kpi.value == 75
    assert kpi.detail == "75% of target on average over 2 KPIs; 1 below target."


def test_reviews_held_late_and_a_review_overdue_count_in_cadence_compliance(live):
    today = timezone.localdate()
    HeldReviewFactory(partnership=live, due_on=today - days(200), held_on=today - days(200))
    HeldReviewFactory(partnership=live, due_on=today - days(110), held_on=today - days(100))
    live.next_review_due = today - days(5)
    live.save()
    cadence = health.compute_one(live).parts[1]
    assert cadence.value == 33  # 1 on time of 2 held + 1 overdue
    assert cadence.detail == (
        "No check-in due date has passed yet; 1 of 2 reviews in the last year on time; "
        f"the review due {live.next_review_due:%-d %b %Y} is overdue."
    )


def test_the_inputs_are_read_in_a_fixed_number_of_queries():
    few = [live_partnership() for _ in range(2)]

    def count(partnerships) -> int:
        loaded = list(
            Partnership.objects.filter(pk__in=[p.pk for p in partnerships]).select_related(
                "check_in_cadence"
            )
        )
        settings = HealthSettings.load()
        with CaptureQueriesContext(connection) as ctx:
            health.compute(loaded, settings=settings)
        return len(ctx.captured_queries)

    baseline = count(few)
    # Due dates, concerns, action items, check-ins, reviews, KPIs, joint health checks.
    assert baseline == 7
    many = [live_partnership() for _ in range(15)]
    for p in many:
        CheckInFactory(partnership=p)
        ActionItemFactory(partnership=p)
        ConcernFactory(partnership=p)
        history(p, [Outcome.ON_TIME, Outcome.LATE])
        MeasurementFactory(kpi=KPIFactory(partnership=p))
        HeldReviewFactory(partnership=p)
        closed_row(p)
    assert count(few + many) == baseline


def test_refreshing_stores_the_latest_score_and_todays_snapshot_once(live):
    CheckInFactory(partnership=live, sentiment=5)
    planning = live_partnership(stage=Stage.AGREEING)
    assert services.refresh_health() == 1
    stored = PartnershipHealth.objects.get()
    assert stored.partnership == live and stored.score == 100
    assert [p["key"] for p in stored.parts] == [
        "kpi",
        "cadence",
        "concerns",
        "actions",
        "sentiment",
        "partner_view",
    ]
    services.refresh_health()
    assert HealthSnapshot.objects.count() == 1
    snapshot = HealthSnapshot.objects.get()
    assert (snapshot.day, snapshot.score) == (timezone.localdate(), 100)
    assert not PartnershipHealth.objects.filter(partnership=planning).exists()


def test_an_ended_partnership_loses_its_latest_score_and_keeps_its_history(live):
    CheckInFactory(partnership=live)
    services.refresh_health()
    live.stage, live.ended_reason = Stage.ENDED, "Done."
    live.save()
    services.refresh_health()
    assert not PartnershipHealth.objects.exists()
    assert HealthSnapshot.objects.filter(partnership=live).count() == 1


def test_the_beat_schedule_refreshes_the_health():
    from config.celery import app
    from portfolio.tasks import refresh_health

    assert app.conf.beat_schedule["portfolio-refresh-health"]["task"] == refresh_health.name
