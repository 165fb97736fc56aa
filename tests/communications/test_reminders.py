import datetime
import zoneinfo

import pytest

from partnerships.models import Stage
from reminders import services
from reminders.models import Reminder

from .factories import ActionItemFactory, ConcernFactory
from .test_services import signed_ladder

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=LONDON)


def notices(prefix: str) -> list[tuple]:
    return sorted(
        Reminder.objects.filter(kind__startswith=prefix).values_list(
            "kind", "remind_on", "recipient__email"
        )
    )


DUE = datetime.date(2027, 3, 10)


def test_an_action_item_reminds_its_owner_the_day_before_and_the_day_after(active, bob):
    ActionItemFactory(partnership=active, owner=bob, due_on=DUE)
    services.sweep(now=at(DUE - datetime.timedelta(days=2)))
    assert notices("action.") == []
    services.sweep(now=at(DUE - datetime.timedelta(days=1)))
    services.sweep(now=at(DUE))
    services.sweep(now=at(DUE + datetime.timedelta(days=1)))
    services.sweep(now=at(DUE + datetime.timedelta(days=1)))
    assert notices("action.") == [
        ("action.due_soon", DUE - datetime.timedelta(days=1), "bob@example.com"),
        ("action.overdue", DUE + datetime.timedelta(days=1), "bob@example.com"),
    ]
    row = Reminder.objects.get(kind="action.overdue")
    assert row.url.startswith(f"/partnerships/{active.pk}/communication/actions/")


def test_done_action_items_and_ended_partnerships_get_no_reminder(active, bob):
    ActionItemFactory(partnership=active, owner=bob, due_on=DUE, status="done",
                      completed_at=at(DUE))  # fmt: skip
    other = ActionItemFactory(partnership=active, owner=bob, due_on=DUE)
    active.stage, active.ended_reason = Stage.ENDED, "Over."
    active.save()
    services.sweep(now=at(DUE + datetime.timedelta(days=1)))
    assert notices("action.") == []
    assert other.pk


def test_a_concern_past_its_target_reminds_its_managers_then_escalates_up_the_ladder(
    active, bob, alice
):
    signed_ladder(active, levels=2, days=3)
    raised = at(DUE, 9)
    concern = ConcernFactory(partnership=active, raised_at=raised, severity="critical")
    concern.respond_by = raised + datetime.timedelta(hours=4)
    concern.save()
    services.sweep(now=raised + datetime.timedelta(hours=3))
    assert notices("concern.") == []
    services.sweep(now=raised + datetime.timedelta(hours=5))
    services.sweep(now=raised + datetime.timedelta(hours=6))
    assert notices("concern.") == [
        ("concern.escalated", DUE, "alice@example.com"),
        ("concern.overdue", DUE, "bob@example.com"),
    ]
    concern.refresh_from_db()
    assert concern.escalation_level == 1
    assert concern.escalations.get().by is None


def test_an_owned_concern_reminds_its_owner_only(active, bob, alice):
    raised = at(DUE, 9)
    ConcernFactory(partnership=active, raised_at=raised, owner=alice)
    services.sweep(now=raised + datetime.timedelta(hours=25))
    assert notices("concern.overdue") == [("concern.overdue", DUE + datetime.timedelta(days=1),
                                           "alice@example.com")]  # fmt: skip
