"""Reviews: scheduled one at a time, held once, a snapshot that later edits do not move, the
next due date moved by the cadence, and decisions that become action items or adjustments."""

import datetime
import threading
import time
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from communications.models import ActionItem
from objectives.models import Objective
from partnerships.models import Activity, Stage
from reminders.models import Cadence
from reviews import services
from reviews.models import Decision, Review, Snapshot

from ..factories import ContactFactory, PartnershipFactory
from ..objectives.factories import ObjectiveFactory
from .conftest import months_ago
from .factories import HeldReviewFactory, KPIFactory, MeasurementFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def hold(review, by, **overrides):
    fields = {
        "held_on": timezone.localdate(),
        "rating": 4,
        "summary": "Volumes up, cost down; service on watch.",
    }
    return services.review_hold(review=review, by=by, **{**fields, **overrides})


# Scheduling --------------------------------------------------------------------------------------


def test_a_review_is_scheduled_once_at_a_time(active, bob):
    review = services.review_schedule(
        partnership=active, by=bob, kind="quarterly", due_on=active.next_review_due
    )
    assert not review.is_held
    assert Activity.objects.filter(kind="review", summary__contains="scheduled for").exists()
    with pytest.raises(ValidationError, match="already scheduled"):
        services.review_schedule(partnership=active, by=bob, kind="monthly", due_on=review.due_on)
    assert Review.objects.count() == 1


def test_the_database_allows_one_scheduled_review_per_partnership(active):
    ReviewFactory(partnership=active)
    HeldReviewFactory(partnership=active)  # held ones do not count
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(partnership=active)


@pytest.mark.django_db(transaction=True)
def test_two_people_scheduling_at_the_same_moment_get_one_review_and_a_clear_refusal(
    active, alice, bob
):
    """The first one's transaction is still open when the second one schedules: the second
    waits for it, then is told a review is scheduled (it used to hit the unique index: 500)."""
    first_saved, commit_first = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.review_schedule(
                    partnership=active, by=bob, kind="quarterly", due_on=active.next_review_due
                )
                first_saved.set()
                commit_first.wait(10)
        finally:
            first_saved.set()
            connection.close()

    def second() -> None:
        try:
            first_saved.wait(10)
            services.review_schedule(
                partnership=active, by=alice, kind="monthly", due_on=active.next_review_due
            )
            outcome["second"] = "scheduled"
        except ValidationError as exc:
            outcome["second"] = exc.messages
        except IntegrityError as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_saved.wait(10)
    time.sleep(0.5)  # the second one is now waiting on the first one's transaction
    commit_first.set()
    for thread in threads:
        thread.join(20)
    assert outcome["second"] == [services.ONE_SCHEDULED]
    assert Review.objects.get().created_by == bob


def test_a_unique_violation_when_scheduling_is_a_form_error_not_a_500(
    client, active, alice, monkeypatch
):
    """Should the check miss a review written meanwhile, the database's refusal still reads as
    the form's error."""
    ReviewFactory(partnership=active)
    monkeypatch.setattr(Review, "validate_constraints", lambda self, exclude=None: None)
    client.force_login(alice)
    url = f"/partnerships/{active.pk}/performance/reviews/new/"
    response = client.post(url, {"kind": "quarterly", "due_on": active.next_review_due})
    assert response.status_code == 200
    assert services.ONE_SCHEDULED in response.content.decode()
    assert Review.objects.count() == 1


def test_the_kind_of_review_follows_the_cadence():
    assert services.kind_for(Cadence(frequency="monthly")) == "monthly"
    assert services.kind_for(Cadence(frequency="quarterly")) == "quarterly"
    assert services.kind_for(Cadence(frequency="yearly")) == "annual"
    assert services.kind_for(None) == "quarterly"


def test_a_scheduled_review_can_be_cancelled_but_a_held_one_cannot(active, bob):
    services.review_cancel(review=ReviewFactory(partnership=active), by=bob)
    assert not Review.objects.exists()
    held = HeldReviewFactory(partnership=active)
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.review_cancel(review=held, by=bob)
    assert Review.objects.filter(pk=held.pk).exists()


# Holding -----------------------------------------------------------------------------------------


def test_holding_freezes_every_kpi_as_of_the_day_it_was_held(active, alice, bob):
    ontime = KPIFactory(partnership=active, name="On-time delivery")
    MeasurementFactory(kpi=ontime, period=months_ago(3), value=D("90"))
    MeasurementFactory(kpi=ontime, period=months_ago(2), value=D("101"))
    MeasurementFactory(kpi=ontime, period=months_ago(0), value=D("70"))  # after the held date
    unmeasured = KPIFactory(partnership=active, name="New logos")
    review = ReviewFactory(partnership=active)
    held_on = months_ago(1) + datetime.timedelta(days=3)
    hold(review, alice, held_on=held_on, attendees=[alice, bob], partner_attendees=[active.contact])

    review.refresh_from_db()
    assert (review.held_on, review.rating, review.held_by) == (held_on, 4, alice)
    assert set(review.attendees.all()) == {alice, bob}
    frozen = {s.kpi_id: s for s in Snapshot.objects.filter(review=review)}
    assert (frozen[ontime.pk].period, frozen[ontime.pk].value) == (months_ago(2), D("101"))
    assert frozen[ontime.pk].attainment == D("105.0")
    assert frozen[ontime.pk].status == "on_target"
    assert frozen[ontime.pk].as_of == held_on
    assert frozen[unmeasured.pk].value is None and frozen[unmeasured.pk].status == ""


def test_later_edits_do_not_rewrite_the_snapshot(active, alice, bob):
    kpi = KPIFactory(partnership=active, name="On-time delivery")
    m = MeasurementFactory(kpi=kpi, period=months_ago(1), value=D("90"))
    review = hold(ReviewFactory(partnership=active), alice)
    before = list(Snapshot.objects.values())

    services.measurement_update(measurement=m, by=bob, value=D("60"))
    services.kpi_update(kpi=kpi, by=bob, name="On-time (renamed)", target=D("120"))
    services.measurement_record(kpi=kpi, by=bob, period=timezone.localdate(), value=D("119"))
    assert list(Snapshot.objects.values()) == before

    services.kpi_delete(kpi=kpi, by=bob)
    snapshot = Snapshot.objects.get(review=review)
    assert snapshot.kpi is None
    assert (snapshot.kpi_name, snapshot.value, snapshot.attainment) == (
        "On-time delivery",
        D("90"),
        D("50.0"),
    )


def test_a_review_is_held_only_once_and_the_second_attempt_changes_nothing(active, alice, bob):
    MeasurementFactory(kpi=KPIFactory(partnership=active), period=months_ago(1))
    review = ReviewFactory(partnership=active)
    hold(review, alice)
    active.refresh_from_db()
    due, snapshots = active.next_review_due, list(Snapshot.objects.values())
    with pytest.raises(ValidationError, match="already held on"):
        hold(review, bob, rating=1, summary="Again.")
    review.refresh_from_db()
    active.refresh_from_db()
    assert (review.rating, review.held_by, review.summary) == (
        4,
        alice,
        "Volumes up, cost down; service on watch.",
    )
    assert active.next_review_due == due
    assert list(Snapshot.objects.values()) == snapshots


def test_holding_moves_the_next_review_due_date_by_the_cadence_from_the_due_date(active, alice):
    due = datetime.date(2026, 1, 31)
    review = ReviewFactory(partnership=active, due_on=due)
    hold(review, alice, held_on=min(timezone.localdate(), datetime.date(2026, 2, 6)))
    active.refresh_from_db()
    assert active.next_review_due == datetime.date(2026, 4, 30)  # month ends clamp
    assert Activity.objects.filter(
        kind="review", summary__endswith="rated 4/5; next review due 30 Apr 2026"
    ).exists()


def test_a_review_held_very_late_never_leaves_the_next_one_overdue(active, alice):
    today = timezone.localdate()
    review = ReviewFactory(partnership=active, due_on=today - datetime.timedelta(days=200))
    hold(review, alice, held_on=today)
    active.refresh_from_db()
    assert today < active.next_review_due <= today + datetime.timedelta(days=93)


def test_without_a_review_cadence_the_due_date_stays(bobs_partnership, alice):
    bobs_partnership.next_review_due = None
    bobs_partnership.save()
    hold(ReviewFactory(partnership=bobs_partnership), alice)
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.next_review_due is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rating": None}, "rating"),
        ({"summary": "  "}, "summary"),
        ({"held_on": timezone.localdate() + datetime.timedelta(days=1)}, "held_on"),
    ],
)
def test_a_review_cannot_be_held_without_its_outcome(active, alice, overrides, field):
    review = ReviewFactory(partnership=active)
    MeasurementFactory(kpi=KPIFactory(partnership=active), period=months_ago(1))
    with pytest.raises(ValidationError) as refused:
        hold(review, alice, **overrides)
    assert field in refused.value.message_dict
    review.refresh_from_db()
    assert not review.is_held and not Snapshot.objects.exists()


def test_attendees_must_be_people_of_this_partnership(active, alice, charlie):
    review = ReviewFactory(partnership=active)
    with pytest.raises(ValidationError, match="cannot see this partnership"):
        hold(review, alice, attendees=[charlie])
    with pytest.raises(ValidationError, match="is not the partner's"):
        hold(review, alice, partner_attendees=[ContactFactory()])
    review.refresh_from_db()
    assert not review.is_held


def test_the_database_refuses_a_held_review_without_rating_or_summary(active, alice):
    review = ReviewFactory(partnership=active)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(held_on=timezone.localdate(), held_by=alice)


def test_no_review_is_held_on_an_ended_partnership(alice):
    ended = PartnershipFactory(stage=Stage.ENDED, ended_reason="Over.")
    with pytest.raises(ValidationError, match="has ended"):
        hold(ReviewFactory(partnership=ended), alice)


# Decisions ---------------------------------------------------------------------------------------


def test_a_decision_can_become_an_action_item(active, alice, bob):
    review = hold(ReviewFactory(partnership=active), alice)
    due = timezone.localdate() + datetime.timedelta(days=14)
    decision = services.decision_record(
        review=review,
        by=alice,
        text="Send the recovery plan for next-day delivery",
        kind="action",
        owner=bob,
        due_on=due,
    )
    item = ActionItem.objects.get()
    assert decision.action_item == item
    assert (item.title, item.owner, item.due_on, item.status) == (
        "Send the recovery plan for next-day delivery",
        bob,
        due,
        "open",
    )
    summaries = list(Activity.objects.values_list("summary", flat=True))
    assert any(s.startswith("Action item for Bob Brown") for s in summaries)
    assert any(s.startswith("Decision at the quarterly business review of") for s in summaries)


def test_an_action_decision_for_the_partner_names_one_of_its_contacts(active, alice):
    review = hold(ReviewFactory(partnership=active), alice)
    services.decision_record(
        review=review,
        by=alice,
        text="Share the carrier report",
        kind="action",
        owner_contact=active.contact,
        due_on=timezone.localdate(),
    )
    assert ActionItem.objects.get().owner_contact == active.contact


def test_an_action_decision_without_owner_or_date_is_refused_and_nothing_is_kept(active, alice):
    review = hold(ReviewFactory(partnership=active), alice)
    with pytest.raises(ValidationError) as refused:
        services.decision_record(review=review, by=alice, text="Do it", kind="action")
    assert "due_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            review=review, by=alice, text="Do it", kind="action", due_on=timezone.localdate()
        )
    assert "owner" in refused.value.message_dict
    assert not Decision.objects.exists() and not ActionItem.objects.exists()


def test_a_decision_can_adjust_an_objective_keeping_the_reason_in_its_history(active, alice):
    objective = ObjectiveFactory(partnership=active, baseline=D("100"), target=D("80"))
    old_due = objective.due_date
    review = hold(ReviewFactory(partnership=active), alice)
    new_due = old_due + datetime.timedelta(days=90)
    decision = services.decision_record(
        review=review,
        by=alice,
        text="Give the cost objective one more quarter",
        kind="adjustment",
        objective=objective,
        new_target=D("85"),
        new_due_date=new_due,
        reason="The new hub opened a quarter late.",
    )
    objective.refresh_from_db()
    assert (objective.target, objective.due_date) == (D("85"), new_due)
    assert (decision.old_target, decision.new_target) == (D("80"), D("85"))
    assert (decision.old_due_date, decision.new_due_date) == (old_due, new_due)
    history = Activity.objects.get(kind="objective")
    assert history.url == objective.get_absolute_url()
    assert history.summary == (
        f"Objective “{objective.title}” adjusted: target 80 → 85, due date "
        f"{old_due:%-d %b %Y} → {new_due:%-d %b %Y}. Why: The new hub opened a quarter late."
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"new_target": D("100")}, "new_target"),  # equal to the objective's baseline
        ({"reason": ""}, "reason"),
        ({"new_target": None, "new_due_date": None}, "new_target"),
        ({"objective": None}, "objective"),
    ],
)
def test_an_adjustment_that_cannot_apply_is_refused_and_nothing_changes(
    active, alice, changes, field
):
    objective = ObjectiveFactory(partnership=active, baseline=D("100"), target=D("80"))
    review = hold(ReviewFactory(partnership=active), alice)
    fields = {
        "objective": objective,
        "new_target": D("85"),
        "new_due_date": None,
        "reason": "Because.",
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            review=review, by=alice, text="Adjust", kind="adjustment", **fields
        )
    assert field in refused.value.message_dict
    objective.refresh_from_db()
    assert objective.target == D("80")
    assert not Decision.objects.exists()
    assert not Activity.objects.filter(kind="objective").exists()


def test_an_objective_of_another_partnership_cannot_be_adjusted(active, alice):
    review = hold(ReviewFactory(partnership=active), alice)
    foreign = ObjectiveFactory()
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            review=review, by=alice, text="x", kind="adjustment", objective=foreign,
            new_target=D("70"), reason="Because.",
        )  # fmt: skip
    assert "objective" in refused.value.message_dict
    assert Objective.objects.get(pk=foreign.pk).target == D("80")


def test_decisions_wait_until_the_review_is_held(active, alice):
    with pytest.raises(ValidationError, match="Hold the review first"):
        services.decision_record(review=ReviewFactory(partnership=active), by=alice, text="x")


def test_an_adjustment_that_changes_nothing_is_refused(active, alice):
    objective = ObjectiveFactory(partnership=active, baseline=D("100"), target=D("80"))
    review = hold(ReviewFactory(partnership=active), alice)
    with pytest.raises(ValidationError, match="differs from the current"):
        services.decision_record(
            review=review, by=alice, text="Keep it", kind="adjustment", objective=objective,
            new_target=D("80"), new_due_date=objective.due_date, reason="No change.",
        )  # fmt: skip
    assert not Decision.objects.exists()
