import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communications import services
from communications.models import (
    ActionItem,
    ActionStatus,
    CheckIn,
    Concern,
    DueDate,
    Outcome,
    ResponseTarget,
    Timeliness,
)
from partnerships.models import Activity, Stage
from reminders.models import Cadence
from tests import factories
from tests.agreements.factories import AgreementFactory, EscalationStepFactory

from .factories import ActionItemFactory, CheckInFactory, ConcernFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def cadence(frequency: str, weeks: int | None = None) -> Cadence:
    return Cadence(frequency=frequency, interval_weeks=weeks, purpose="check_in")


# The on-time rule and the due-date moves -------------------------------------------------------


def test_a_check_in_on_its_due_date_is_on_time_and_the_next_moves_one_period_on():
    result = services.settle(due=D(2027, 3, 10), cadence=cadence("monthly"), held_on=D(2027, 3, 10))
    assert result.timeliness == Timeliness.ON_TIME
    assert result.answered == D(2027, 3, 10)
    assert result.missed == []
    assert result.next_due == D(2027, 4, 10)


def test_a_check_in_after_its_due_date_but_before_the_next_is_late():
    result = services.settle(due=D(2027, 3, 10), cadence=cadence("monthly"), held_on=D(2027, 3, 20))
    assert result.timeliness == Timeliness.LATE
    assert result.answered == D(2027, 3, 10)
    assert result.next_due == D(2027, 4, 20)


def test_due_dates_that_passed_without_a_check_in_before_the_next_one_are_missed():
    result = services.settle(due=D(2027, 1, 4), cadence=cadence("weekly"), held_on=D(2027, 1, 20))
    assert result.missed == [D(2027, 1, 4), D(2027, 1, 11)]
    assert result.answered == D(2027, 1, 18)
    assert result.timeliness == Timeliness.LATE
    assert result.next_due == D(2027, 1, 27)


def test_the_due_date_moves_across_a_month_end_by_clamping_to_the_last_day():
    monthly = cadence("monthly")
    assert services.settle(
        due=D(2027, 1, 31), cadence=monthly, held_on=D(2027, 1, 31)
    ).next_due == (D(2027, 2, 28))
    assert services.settle(
        due=D(2027, 8, 31), cadence=monthly, held_on=D(2027, 8, 31)
    ).next_due == (D(2027, 9, 30))
    assert services.settle(
        due=D(2027, 12, 15), cadence=cadence("quarterly"), held_on=D(2027, 11, 30)
    ).next_due == D(2028, 2, 29)


def test_the_due_date_moves_into_and_out_of_a_leap_day():
    assert services.settle(
        due=D(2028, 1, 31), cadence=cadence("monthly"), held_on=D(2028, 1, 31)
    ).next_due == D(2028, 2, 29)
    assert services.settle(
        due=D(2028, 2, 29), cadence=cadence("yearly"), held_on=D(2028, 2, 29)
    ).next_due == D(2029, 2, 28)
    assert services.settle(
        due=D(2028, 2, 22), cadence=cadence("weekly"), held_on=D(2028, 2, 22)
    ).next_due == D(2028, 2, 29)


def test_a_missed_month_end_due_date_is_followed_by_the_right_next_one():
    # 31 Jan -> 28 Feb (missed) -> 28 Mar: the check-in on 30 Mar answers 28 Mar, late.
    result = services.settle(due=D(2027, 1, 31), cadence=cadence("monthly"), held_on=D(2027, 3, 30))
    assert result.missed == [D(2027, 1, 31), D(2027, 2, 28)]
    assert result.answered == D(2027, 3, 28)
    assert result.timeliness == Timeliness.LATE


def test_without_a_cadence_a_check_in_is_not_scheduled_and_moves_nothing():
    result = services.settle(due=None, cadence=None, held_on=D(2027, 3, 1))
    assert result.timeliness == Timeliness.EXTRA
    assert result.next_due is None


def test_a_check_in_entered_for_a_day_before_the_last_one_moves_nothing():
    result = services.settle(
        due=D(2027, 4, 10),
        cadence=cadence("monthly"),
        held_on=D(2027, 3, 1),
        last_held_on=D(2027, 3, 10),
    )
    assert result.timeliness == Timeliness.EXTRA
    assert result.next_due == D(2027, 4, 10)


# Logging a check-in ----------------------------------------------------------------------------


def test_logging_a_check_in_moves_the_due_date_and_records_the_outcome(active, bob):
    today = timezone.localdate()
    check_in = services.check_in_log(
        partnership=active,
        by=bob,
        held_on=today,
        kind="call",
        summary="Volumes are fine.",
        sentiment=4,
        topics="volumes, pricing, Volumes",
        attendees=[bob],
        partner_attendees=[active.contact],
    )
    active.refresh_from_db()
    assert check_in.timeliness == Timeliness.ON_TIME
    assert check_in.topics == ["volumes", "pricing"]
    assert active.next_check_in_due == active.check_in_cadence.next_due(today)
    due = DueDate.objects.get(partnership=active)
    assert (due.outcome, due.check_in) == (Outcome.ON_TIME, check_in)
    assert Activity.objects.filter(partnership=active, kind="check_in").exists()


def test_logging_a_check_in_closes_ticked_actions_and_opens_new_ones_and_a_concern(active, bob):
    old = ActionItemFactory(partnership=active, owner=bob)
    check_in = services.check_in_log(
        partnership=active,
        by=bob,
        held_on=timezone.localdate(),
        kind="meeting",
        summary="Reviewed the open items.",
        sentiment=3,
        close_actions=[old],
        new_actions=[
            services.NewAction(title="Send forecast", owner=bob),
            services.NewAction(title="Share incident report", owner_contact=active.contact),
        ],
        concern=services.NewConcern(title="Late deliveries", severity="high", raised_by="partner"),
    )
    old.refresh_from_db()
    assert old.status == ActionStatus.DONE and old.completed_at is not None
    assert set(check_in.action_items.values_list("title", "party")) == {
        ("Send forecast", "us"),
        ("Share incident report", "partner"),
    }
    concern = Concern.objects.get(check_in=check_in)
    assert concern.respond_by - concern.raised_at == datetime.timedelta(hours=24)


def test_a_check_in_dated_in_the_future_is_refused_and_nothing_moves(active, bob):
    due = active.next_check_in_due
    with pytest.raises(ValidationError) as error:
        services.check_in_log(
            partnership=active,
            by=bob,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            kind="call",
            summary="Tomorrow's call",
            sentiment=3,
        )
    assert "future" in str(error.value)
    active.refresh_from_db()
    assert active.next_check_in_due == due
    assert not CheckIn.objects.exists() and not DueDate.objects.exists()


@pytest.mark.parametrize("sentiment", [0, 6])
def test_a_sentiment_outside_one_to_five_is_refused(active, bob, sentiment):
    with pytest.raises(ValidationError):
        services.check_in_log(
            partnership=active,
            by=bob,
            held_on=timezone.localdate(),
            kind="call",
            summary="x",
            sentiment=sentiment,
        )
    assert not CheckIn.objects.exists()


def test_a_refused_action_item_undoes_the_whole_check_in(active, bob, charlie):
    due = active.next_check_in_due
    with pytest.raises(ValidationError) as error:
        services.check_in_log(
            partnership=active,
            by=bob,
            held_on=timezone.localdate(),
            kind="call",
            summary="x",
            sentiment=3,
            new_actions=[services.NewAction(title="Do it", owner=charlie)],
        )
    assert "cannot see this partnership" in str(error.value)
    active.refresh_from_db()
    assert active.next_check_in_due == due
    assert not CheckIn.objects.exists() and not ActionItem.objects.exists()


def test_an_ended_partnership_takes_no_new_check_in(active, bob):
    active.stage, active.ended_reason = Stage.ENDED, "Done."
    active.save()
    with pytest.raises(ValidationError):
        services.check_in_log(
            partnership=active,
            by=bob,
            held_on=timezone.localdate(),
            kind="call",
            summary="x",
            sentiment=3,
        )


# Compliance ------------------------------------------------------------------------------------


def test_compliance_is_the_share_on_time_over_the_last_twelve_due_dates(active):
    today = timezone.localdate()
    for n in range(14):
        outcome = Outcome.ON_TIME if n % 4 else Outcome.LATE  # n = 0, 4, 8, 12 late
        DueDate.objects.create(
            partnership=active,
            due_on=today - datetime.timedelta(days=30 * (n + 1)),
            outcome=outcome,
        )
    result = services.compliance(active, today)
    assert result.total == 12
    assert (result.on_time, result.late) == (9, 3)
    assert result.percent == 75


def test_due_dates_missed_since_the_last_check_in_count_before_anyone_logs_anything(active):
    today = timezone.localdate()
    active.next_check_in_due = today - datetime.timedelta(days=70)
    DueDate.objects.create(
        partnership=active, due_on=today - datetime.timedelta(days=100), outcome=Outcome.ON_TIME
    )
    result = services.compliance(active, today)
    assert result.missed == 2  # -70 and about -40 days: each passed its next due date
    assert result.on_time == 1


def test_a_partnership_without_due_dates_has_no_compliance_figure(bobs_partnership):
    assert services.compliance(bobs_partnership).percent is None


# Action items ----------------------------------------------------------------------------------


def test_an_action_item_owned_by_someone_who_cannot_see_the_partnership_is_refused(
    active, bob, charlie
):
    with pytest.raises(ValidationError) as error:
        services.action_create(partnership=active, by=bob, title="Do it", owner=charlie)
    assert "Charlie Chen cannot see this partnership" in str(error.value)


def test_an_action_item_for_a_contact_of_another_organization_is_refused(active, bob):
    stranger = factories.ContactFactory()
    with pytest.raises(ValidationError):
        services.action_create(partnership=active, by=bob, title="x", owner_contact=stranger)


def test_closing_an_action_item_twice_records_it_once(active, bob):
    item = ActionItemFactory(partnership=active, owner=bob)
    services.action_close(action=item, by=bob)
    services.action_close(action=item, by=bob)
    assert Activity.objects.filter(kind="action_item", summary__contains="done").count() == 1
    services.action_reopen(action=item, by=bob)
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN and item.completed_at is None


# Concerns --------------------------------------------------------------------------------------


def test_a_concern_gets_its_targets_from_the_administrators_response_targets(active, bob):
    ResponseTarget.objects.filter(severity="critical").update(
        hours_to_first_response=2, hours_to_resolution=10
    )
    concern = services.concern_raise(
        partnership=active, by=bob, title="Outage", severity="critical", raised_by="partner"
    )
    assert concern.respond_by - concern.raised_at == datetime.timedelta(hours=2)
    assert concern.resolve_by - concern.raised_at == datetime.timedelta(hours=10)


def test_the_default_response_targets_are_seeded():
    assert dict(ResponseTarget.objects.values_list("severity", "hours_to_first_response")) == {
        "critical": 4,
        "high": 24,
        "medium": 72,
        "low": 120,
    }


def test_a_concern_cannot_be_closed_without_a_resolution(active, bob):
    concern = ConcernFactory(partnership=active)
    with pytest.raises(ValidationError) as error:
        services.concern_resolve(concern=concern, by=bob, resolution="   ")
    assert "Say how the concern was resolved" in str(error.value)
    concern.refresh_from_db()
    assert concern.resolved_at is None


def test_resolving_answers_a_concern_too_and_the_medians_follow(active, bob):
    now = timezone.now()
    first = ConcernFactory(partnership=active, raised_at=now - datetime.timedelta(hours=10))
    second = ConcernFactory(partnership=active, raised_at=now - datetime.timedelta(hours=30))
    services.concern_acknowledge(concern=second, by=bob, at=now - datetime.timedelta(hours=26))
    services.concern_resolve(concern=first, by=bob, resolution="Fixed.", at=now)
    first.refresh_from_db()
    assert first.acknowledged_at == first.resolved_at
    assert first.owner is None
    times = __import__("communications.selectors", fromlist=["x"]).response_times(active)
    assert times["median_first_response"] == datetime.timedelta(hours=7)
    assert times["median_resolution"] == datetime.timedelta(hours=10)


def test_acknowledging_makes_the_manager_the_owner_of_an_unowned_concern(active, bob):
    concern = ConcernFactory(partnership=active)
    services.concern_acknowledge(concern=concern, by=bob)
    concern.refresh_from_db()
    assert concern.owner == bob and concern.acknowledged_at is not None


def signed_ladder(partnership, levels: int = 2, days: int = 3):
    agreement = AgreementFactory(
        partnership=partnership,
        status="signed",
        signed_on=datetime.date(2026, 1, 1),
    )
    return [
        EscalationStepFactory(agreement=agreement, level=n, days_to_respond=days)
        for n in range(1, levels + 1)
    ]


def test_a_concern_is_escalated_by_hand_along_the_agreements_ladder(active, bob, alice):
    steps = signed_ladder(active)
    concern = ConcernFactory(partnership=active)
    escalation = services.concern_escalate(concern=concern, by=bob, note="No answer from them.")
    assert (escalation.level, escalation.step, escalation.by) == (1, steps[0], bob)
    assert escalation.notify == alice  # the step names a role only: the executive sponsor
    services.concern_escalate(concern=concern, by=bob)
    with pytest.raises(ValidationError) as error:
        services.concern_escalate(concern=concern, by=bob)
    assert "top of the agreement's ladder" in str(error.value)


def test_without_a_signed_ladder_a_concern_cannot_be_escalated(active, bob):
    with pytest.raises(ValidationError) as error:
        services.concern_escalate(concern=ConcernFactory(partnership=active), by=bob)
    assert "no dispute ladder" in str(error.value)


def test_overdue_concerns_escalate_automatically_once_per_level(active):
    signed_ladder(active, levels=2, days=3)
    now = timezone.now()
    late = ConcernFactory(partnership=active, raised_at=now - datetime.timedelta(hours=30))
    in_time = ConcernFactory(partnership=active, raised_at=now - datetime.timedelta(hours=2))

    assert [e.concern for e in services.escalate_overdue_concerns(now=now)] == [late]
    assert services.escalate_overdue_concerns(now=now) == []
    # Level 1 has three days: two days on, only the other concern's own target has passed.
    two_days = services.escalate_overdue_concerns(now=now + datetime.timedelta(days=2))
    assert [(e.concern, e.level) for e in two_days] == [(in_time, 1)]
    later = services.escalate_overdue_concerns(now=now + datetime.timedelta(days=4))
    assert [(e.concern, e.level) for e in later] == [(late, 2)]
    services.escalate_overdue_concerns(now=now + datetime.timedelta(days=30))
    assert services.escalate_overdue_concerns(now=now + datetime.timedelta(days=30)) == []
    assert list(late.escalations.values_list("level", "by")) == [(1, None), (2, None)]
    late.refresh_from_db()
    assert late.escalation_level == 2


def test_ended_partnerships_and_resolved_concerns_are_not_escalated(active, bob):
    signed_ladder(active)
    now = timezone.now()
    resolved = ConcernFactory(partnership=active, raised_at=now - datetime.timedelta(days=3))
    services.concern_resolve(concern=resolved, by=bob, resolution="Done.")
    ConcernFactory(partnership=active, raised_at=now - datetime.timedelta(days=3))
    active.stage, active.ended_reason = Stage.ENDED, "Over."
    active.save()
    assert services.escalate_overdue_concerns(now=now) == []


def test_the_escalation_task_runs_the_service():
    from communications.tasks import escalate_overdue_concerns

    assert escalate_overdue_concerns.run() == 0


def test_check_in_and_factories_stay_in_their_partnership(active):
    assert CheckInFactory(partnership=active).partnership == active
