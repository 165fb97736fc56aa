"""The outbox is pruned of sent reminders past the retention, and what is pruned is never sent
again: some reminders stay due for as long as their subject is, and the row is their key."""

import datetime

import pytest
from django.utils import timezone

from reminders import services, tasks
from reminders.models import Reminder, ReminderSettings, Status

from ..factories import executive, manager
from .factories import due_partnership
from .test_delivery import make_reminder
from .test_sweep import at

pytestmark = pytest.mark.django_db

D = datetime.date(2027, 5, 20)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def aged(user, *, age: int, status: str, kind: str = "check_in.due", **fields) -> Reminder:
    """A reminder made ``age`` days ago, for that day."""
    made = timezone.now() - days(age)
    sent = {"sent_at": made} if status == Status.SENT else {}
    return make_reminder(
        user, kind=kind, status=status, created_at=made, remind_on=made.date(),
        due_on=made.date(), **sent, **fields,
    )  # fmt: skip


def test_sent_reminders_past_the_retention_are_pruned_and_the_rest_stays(settings):
    settings.REMINDERS_OUTBOX_RETENTION_DAYS = 180
    sam = manager()
    old_sent = aged(sam, age=200, status=Status.SENT, kind="a")
    old_in_app = aged(sam, age=200, status=Status.IN_APP, kind="b")
    old_failed = aged(sam, age=200, status=Status.FAILED, kind="c", last_error="550")
    old_pending = aged(sam, age=200, status=Status.PENDING, kind="d")
    recent_sent = aged(sam, age=10, status=Status.SENT, kind="e")
    assert tasks.prune_outbox() == 2
    left = set(Reminder.objects.values_list("pk", flat=True))
    assert left == {old_failed.pk, old_pending.pk, recent_sent.pk}
    assert old_sent.pk not in left and old_in_app.pk not in left
    assert ReminderSettings.load().outbox_pruned_before == (timezone.now() - days(180)).date()
    assert tasks.prune_outbox() == 0  # a second run (a second beat) deletes nothing more


def test_failed_reminders_stay_to_be_sent_again_however_old(client, admin_user, settings):
    settings.REMINDERS_OUTBOX_RETENTION_DAYS = 30
    failed = aged(manager(), age=400, status=Status.FAILED, last_error="SMTP down")
    services.outbox_prune()
    client.force_login(admin_user)
    html = client.get("/admin/reminders/reminder/?status__exact=failed").content.decode()
    assert "SMTP down" in html
    assert services.reminders_send_again(ids=[failed.pk]) == 1


def test_a_pruned_reminder_that_is_still_due_is_not_sent_again(settings):
    """An overdue check-in reminds "until sent": its row is all that stops the next sweep from
    inserting it again. Once pruned, its day is closed, so it is never inserted again."""
    settings.REMINDERS_OUTBOX_RETENTION_DAYS = 180
    sam = manager(time_zone="Europe/London")
    due_partnership(manager=sam, sponsor=executive(), check_in_due=D, name="Northwind")
    check_ins = Reminder.objects.filter(kind__startswith="check_in.")
    for day in (D + days(1), D + days(7)):  # overdue, then escalated to the sponsor
        services.sweep(now=at(day), deliver=False)
        check_ins.update(status=Status.SENT, sent_at=at(day))
    assert sorted(check_ins.values_list("kind", flat=True)) == [
        "check_in.escalated", "check_in.overdue",
    ]  # fmt: skip
    # Months later the check-in is still not held: the sweep still finds the same occurrences,
    # and only their rows keep them from being sent again.
    later = at(D + days(200))
    services.sweep(now=later, deliver=False)
    assert check_ins.count() == 2
    assert services.outbox_prune(now=later) >= 2
    assert not check_ins.exists()
    for n in (1, 30):
        services.sweep(now=later + days(n), deliver=False)
        assert not check_ins.exists()
    # Raising the retention later reopens nothing: the closed days stay closed.
    services.outbox_prune(now=later + days(31), days=365)
    services.sweep(now=later + days(32), deliver=False)
    assert not check_ins.exists()


def test_reminders_after_the_pruned_days_are_inserted_as_usual(settings):
    settings.REMINDERS_OUTBOX_RETENTION_DAYS = 180
    sam = manager(time_zone="Europe/London")
    services.outbox_prune(now=at(D))
    due_partnership(manager=sam, sponsor=executive(), check_in_due=D, name="Northwind")
    assert services.sweep(now=at(D), deliver=False).created == 1
    assert Reminder.objects.get().kind == "check_in.due"


def test_a_retention_of_zero_keeps_everything(settings):
    settings.REMINDERS_OUTBOX_RETENTION_DAYS = 0
    aged(manager(), age=4000, status=Status.SENT)
    assert services.outbox_prune() == 0
    assert Reminder.objects.count() == 1
    assert ReminderSettings.load().outbox_pruned_before is None


def test_beat_prunes_the_outbox_daily():
    from config.celery import app

    entry = app.conf.beat_schedule["reminders-prune-outbox"]
    assert entry["task"] == tasks.prune_outbox.name


def test_cron_can_prune_where_beat_is_not_used(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.REMINDERS_OUTBOX_RETENTION_DAYS = 180
    aged(manager(), age=200, status=Status.SENT)
    out = StringIO()
    call_command("prune_reminders", stdout=out)
    assert out.getvalue().strip() == "deleted=1"
