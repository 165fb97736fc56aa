import datetime

import pytest
from django.core import mail
from django.utils import timezone

from reminders import services
from reminders.models import NoticePreference, Reminder

from ..factories import executive, manager
from .smtp import Recorder, SMTPServer

pytestmark = pytest.mark.django_db


def make_reminder(user, kind: str = "check_in.due", **fields) -> Reminder:
    today = timezone.localdate()
    values = {
        "kind": kind,
        "subject_key": f"partnership:{user.pk}:check_in",
        "due_on": today,
        "remind_on": today,
        "recipient": user,
        "url": "/partnerships/1/",
        "title": f"Check-in due today: Partnership of {user.email}",
        "send_after": timezone.now() - datetime.timedelta(minutes=1),
        **fields,
    }
    return Reminder.objects.create(**values)


@pytest.fixture
def sam(db):
    return manager(email="sam@example.com", full_name="Sam Patel")


def test_delivery_sends_an_html_and_a_text_e_mail_with_the_link(sam, settings):
    settings.REMINDERS_SITE_URL = "https://accord.example.com"
    reminder = make_reminder(sam)
    result = services.deliver([reminder.pk])
    assert result.sent == 1
    [message] = mail.outbox
    assert message.to == ["sam@example.com"]
    assert message.subject == reminder.title
    assert "https://accord.example.com/partnerships/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://accord.example.com/partnerships/1/"' in html
    assert "Hello Sam" in message.body
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert reminder.sent_at is not None
    assert reminder.attempts == 1
    assert reminder.claimed_at is None


def test_a_delivery_task_run_twice_sends_one_e_mail(sam):
    reminder = make_reminder(sam)
    services.deliver([reminder.pk])
    second = services.deliver([reminder.pk])
    assert len(mail.outbox) == 1
    assert second.sent == 0


def test_a_row_claimed_by_a_live_worker_is_left_alone(sam):
    reminder = make_reminder(sam, claimed_at=timezone.now())
    assert services.deliver([reminder.pk]).skipped == 1
    assert mail.outbox == []


def test_a_claim_older_than_the_timeout_is_taken_over(sam, settings):
    settings.REMINDERS_CLAIM_TIMEOUT = 60
    reminder = make_reminder(sam, claimed_at=timezone.now() - datetime.timedelta(minutes=2))
    assert services.deliver([reminder.pk]).sent == 1


def test_a_reminder_not_yet_due_is_not_sent(sam):
    reminder = make_reminder(sam, send_after=timezone.now() + datetime.timedelta(hours=1))
    assert services.deliver([reminder.pk]).skipped == 1
    assert mail.outbox == []


def test_a_kind_turned_off_stays_in_app_only(sam):
    NoticePreference.objects.create(user=sam, email_off_kinds=["check_in.due"])
    off = make_reminder(sam)
    on = make_reminder(sam, kind="check_in.overdue")
    services.deliver([off.pk, on.pk])
    assert [m.subject for m in mail.outbox] == [on.title]
    off.refresh_from_db()
    assert off.status == "in_app"
    assert off.read_at is None  # still an unread notice under the bell


def test_digest_only_sends_no_reminder_by_e_mail_but_sends_the_digest(sam):
    NoticePreference.objects.create(user=sam, digest_only=True)
    reminder = make_reminder(sam)
    digest = make_reminder(sam, kind="digest.weekly", subject_key="digest:x", url="/digest/")
    services.deliver([reminder.pk, digest.pk])
    assert [m.subject for m in mail.outbox] == [digest.title]


def test_the_digest_e_mail_lists_what_is_overdue_for_what_the_executive_sees(settings):
    from ..factories import PartnershipFactory

    olivia = executive(full_name="Olivia Grant")
    today = timezone.localdate()
    PartnershipFactory(
        name="Helios co-sell", stage="active", next_check_in_due=today - datetime.timedelta(3)
    )
    PartnershipFactory(
        name="Closed one",
        stage="ended",
        ended_reason="x",
        next_check_in_due=today - datetime.timedelta(3),
    )
    digest = make_reminder(olivia, kind="digest.weekly", subject_key="digest:x", url="/digest/")
    services.deliver([digest.pk])
    [message] = mail.outbox
    assert "OVERDUE CHECK-INS" in message.body
    assert "Helios co-sell: Check-in due" in message.body
    assert "3 days overdue" in message.body
    assert "Closed one" not in message.body
    assert "Every review is on time." in message.body
    assert "Helios co-sell" in message.alternatives[0][0]


def test_an_address_the_smtp_server_refuses_is_failed_and_the_others_are_sent(settings):
    people = [manager(email=f"p{i}@example.com") for i in range(3)]
    refused = manager(email="nobody@example.com")
    rows = [make_reminder(p) for p in [people[0], refused, people[1], people[2]]]
    with SMTPServer(Recorder(refuse={"nobody@example.com"})) as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        result = services.deliver([r.pk for r in rows])
        delivered = server.recorder.reminder_ids()
    assert result.sent == 3
    assert result.failed == 1
    assert sorted(delivered) == sorted(r.pk for r in rows if r.recipient != refused)
    failed = Reminder.objects.get(recipient=refused)
    assert failed.status == "failed"
    assert failed.attempts == 1
    assert "550" in failed.last_error and "No such mailbox" in failed.last_error


def test_a_transient_failure_is_retried_with_back_off_then_given_up(sam, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.REMINDERS_MAX_ATTEMPTS = 3
    settings.REMINDERS_RETRY_DELAY = 60
    reminder = make_reminder(sam)

    assert services.deliver([reminder.pk]).retrying == 1
    reminder.refresh_from_db()
    assert reminder.status == "pending"
    assert reminder.attempts == 1
    assert "ConnectionRefusedError" in reminder.last_error
    assert reminder.send_after > timezone.now() + datetime.timedelta(seconds=50)
    assert reminder.queued_at is None and reminder.claimed_at is None

    # The back-off is data: the next sweep enqueues it when send_after has passed.
    Reminder.objects.filter(pk=reminder.pk).update(send_after=timezone.now())
    services.deliver([reminder.pk])
    reminder.refresh_from_db()
    assert reminder.attempts == 2
    assert reminder.send_after > timezone.now() + datetime.timedelta(seconds=110)

    Reminder.objects.filter(pk=reminder.pk).update(send_after=timezone.now())
    assert services.deliver([reminder.pk]).failed == 1
    reminder.refresh_from_db()
    assert reminder.status == "failed"
    assert reminder.attempts == 3


def test_the_sweep_re_queues_stale_and_lost_rows_only(sam, settings):
    settings.REMINDERS_CLAIM_TIMEOUT = 60
    old = timezone.now() - datetime.timedelta(minutes=5)
    lost = make_reminder(sam, kind="a", queued_at=None)
    dead_worker = make_reminder(sam, kind="b", queued_at=old, claimed_at=old)
    in_queue = make_reminder(sam, kind="c", queued_at=timezone.now())
    working = make_reminder(sam, kind="d", queued_at=old, claimed_at=timezone.now())
    sent = make_reminder(sam, kind="e", status="sent", sent_at=old)
    assert services.requeue_stale() == 2
    queued = set(Reminder.objects.filter(queued_at__gt=old).values_list("pk", flat=True))
    assert {lost.pk, dead_worker.pk} <= queued
    assert sent.pk not in queued
    assert in_queue.pk in queued and working.pk not in queued


def test_failed_reminders_can_be_sent_again(sam):
    reminder = make_reminder(sam, status="failed", attempts=5, last_error="SMTP down")
    sent = make_reminder(sam, kind="other", status="sent", sent_at=timezone.now())
    assert services.reminders_send_again(ids=[reminder.pk, sent.pk]) == 1
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.attempts == 0
    services.deliver([reminder.pk])
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert len(mail.outbox) == 1
