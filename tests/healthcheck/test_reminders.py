"""The health check's reminders through the engine: who is asked and reminded, when (in each
person's own time zone), and that each goes out once, however many sweeps run."""

import datetime
import time

import pytest
from django.utils import timezone

from healthcheck import services
from healthcheck.models import HealthCheck, HealthCheckSettings
from reminders.models import Reminder, ReminderSettings
from reminders.services import local_send_time, sweep
from reminders.tasks import sweep as sweep_task

from ..reminders.conftest import (  # noqa: F401 -- fixtures
    reminders_queue,
    smtp_server,
    start_worker,
    wait_for,
)
from .factories import answer, closed_check, open_check, world

UTC = datetime.UTC
OPENED = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
ANSWER_KINDS = (
    "healthcheck.asked",
    "healthcheck.answer",
    "healthcheck.partner_asked",
    "healthcheck.partner_answer",
)


def _zoned_world():
    partnership, ours, theirs = world()
    zones = ["Europe/London", "America/Los_Angeles", "Asia/Tokyo"]
    for people in (ours, theirs):
        for person, zone in zip(people, zones, strict=True):
            person.time_zone = zone
            person.save(update_fields=["time_zone"])
    Reminder.objects.all().delete()  # the invitations' link e-mails: not what is tested here
    return partnership, ours, theirs


def _sweep_through(start: datetime.datetime, end: datetime.datetime) -> None:
    """Beat's sweeps from ``start`` to ``end``: three a day are enough to pass 09:00 in London,
    Los Angeles and Tokyo, each on its own day (a sweep every two minutes does the same)."""
    moment = start
    while moment <= end:
        sweep(now=moment, deliver=False)
        moment += datetime.timedelta(hours=8)


@pytest.mark.django_db
def test_each_participant_is_asked_once_then_reminded_once_per_offset_in_their_own_zone():
    partnership, ours, theirs = _zoned_world()
    check = open_check(partnership, ours, theirs, days=14, now=OPENED)  # closes 15 Mar
    assert check.closes_on == datetime.date(2027, 3, 15)
    _sweep_through(OPENED, OPENED + datetime.timedelta(days=15))
    rows = Reminder.objects.filter(kind__in=ANSWER_KINDS)
    reminder_time = ReminderSettings.load().reminder_time
    for person in ours + theirs:
        mine = rows.filter(recipient=person).order_by("remind_on")
        prefix = "healthcheck.partner_" if person.is_partner_contact else "healthcheck."
        assert [(r.kind, r.remind_on) for r in mine] == [
            (f"{prefix}asked", datetime.date(2027, 2, 27)),
            (f"{prefix}answer", datetime.date(2027, 3, 8)),
            (f"{prefix}answer", datetime.date(2027, 3, 12)),
            (f"{prefix}answer", datetime.date(2027, 3, 14)),
        ], person.time_zone
        for r in mine[1:]:
            # 09:00 on the day, where they are.
            assert r.send_after == local_send_time(r.remind_on, reminder_time, person.time_zone)
        # The asked notice is due at once, wherever they are.
        assert mine[0].send_after <= OPENED
    assert {r.title for r in rows.filter(kind="healthcheck.answer", remind_on="2027-03-12")} == {
        f"The joint health check closes in 3 days: {partnership.name}"
    }
    ours_link = rows.filter(recipient=ours[0]).first().url
    assert ours_link == f"/partnerships/{partnership.pk}/health-checks/{check.pk}/answer/"
    theirs_link = rows.filter(recipient=theirs[0]).first().url
    assert theirs_link == f"/portal/{partnership.pk}/health-checks/{check.pk}/answer/"


@pytest.mark.django_db
def test_those_who_answered_and_closed_checks_are_reminded_of_nothing():
    partnership, ours, theirs = _zoned_world()
    check = open_check(partnership, ours, theirs, days=14, now=OPENED)
    sweep(now=OPENED, deliver=False)
    answer(check, ours[1], 4, now=OPENED + datetime.timedelta(days=1))
    answer(check, theirs[2], 4, now=OPENED + datetime.timedelta(days=1))
    _sweep_through(OPENED, OPENED + datetime.timedelta(days=9))
    for person in (ours[1], theirs[2]):
        assert list(Reminder.objects.filter(recipient=person).values_list("kind", flat=True)) in (
            ["healthcheck.asked"],
            ["healthcheck.partner_asked"],
        )
    services.healthcheck_close(check=check, by=ours[0], now=OPENED + datetime.timedelta(days=9))
    ours_now = Reminder.objects.filter(kind__in=ANSWER_KINDS)
    before = ours_now.count()
    _sweep_through(OPENED + datetime.timedelta(days=9), OPENED + datetime.timedelta(days=15))
    assert ours_now.count() == before


@pytest.mark.django_db
def test_answer_reminders_still_in_the_outbox_are_not_mailed_once_it_closes(mailoutbox):
    """Swept while the mail server was down, they wait; the check closes early meanwhile: they
    stay in the bell and no e-mail says it "closes in N days" any more."""
    from reminders.models import Status
    from reminders.services import deliver

    partnership, ours, theirs = _zoned_world()
    check = open_check(partnership, ours, theirs, days=14, now=OPENED)
    sweep(now=OPENED, deliver=False)
    waiting = Reminder.objects.filter(kind__in=ANSWER_KINDS, status=Status.PENDING)
    held = waiting.first()
    Reminder.objects.filter(pk=held.pk).update(claimed_at=timezone.now())  # a live worker's
    other = Reminder.objects.create(
        kind="healthcheck.due", subject_key=f"partnership:{partnership.pk}:health_check",
        due_on=OPENED.date(), remind_on=OPENED.date(), recipient=ours[0], url="/", title="Due",
        send_after=OPENED,
    )  # fmt: skip
    pending = list(waiting.exclude(pk=held.pk).values_list("pk", flat=True))
    assert len(pending) >= 5

    services.healthcheck_close(check=check, by=ours[0], now=OPENED + datetime.timedelta(days=2))
    rows = Reminder.objects.filter(pk__in=pending)
    assert set(rows.values_list("status", flat=True)) == {Status.IN_APP}
    assert Reminder.objects.get(pk=held.pk).status == Status.PENDING
    assert Reminder.objects.get(pk=other.pk).status == Status.PENDING
    deliver(pending)
    assert not mailoutbox


@pytest.mark.django_db
def test_people_who_lost_access_are_reminded_of_nothing():
    from portal import services as portal

    partnership, ours, theirs = _zoned_world()
    open_check(partnership, ours, theirs, days=14, now=OPENED)
    partnership.managers.remove(ours[1])  # no longer sees the partnership
    portal.revoke(access=theirs[0].partner_contact.portal_accesses.get(), by=ours[0])
    Reminder.objects.all().delete()
    _sweep_through(OPENED, OPENED + datetime.timedelta(days=15))
    rows = Reminder.objects.filter(kind__in=ANSWER_KINDS)
    assert not rows.filter(recipient__in=[ours[1], theirs[0]]).exists()
    assert rows.filter(recipient=ours[2]).count() == 4  # still a manager: asked, and 3 reminders


@pytest.mark.django_db
def test_a_check_opened_close_to_its_date_sends_only_the_reminders_after_the_opening_day():
    partnership, ours, theirs = _zoned_world()
    check = open_check(partnership, ours, theirs, days=5, now=OPENED)  # closes 6 Mar
    _sweep_through(OPENED, OPENED + datetime.timedelta(days=6))
    days = sorted(
        set(Reminder.objects.filter(kind="healthcheck.answer").values_list("remind_on", flat=True))
    )
    # The 7-day reminder would have fallen before it opened: only 3 and 1 days before.
    assert days == [datetime.date(2027, 3, 3), datetime.date(2027, 3, 5)]
    assert check.closes_on == datetime.date(2027, 3, 6)


@pytest.mark.django_db
def test_the_offsets_are_the_administrators():
    row = HealthCheckSettings.load()
    row.answer_reminder_offsets = [2]
    row.save()
    partnership, ours, theirs = _zoned_world()
    open_check(partnership, ours, theirs, days=14, now=OPENED)
    _sweep_through(OPENED, OPENED + datetime.timedelta(days=15))
    days = set(
        Reminder.objects.filter(kind="healthcheck.answer").values_list("remind_on", flat=True)
    )
    assert days == {datetime.date(2027, 3, 13)}


@pytest.mark.django_db
def test_the_next_check_s_due_date_is_reminded_to_the_managers_once():
    partnership, ours, theirs = _zoned_world()
    check = closed_check(partnership, ours, theirs)
    cadence = HealthCheckSettings.load().cadence
    assert cadence.describe() == "Half-yearly" and cadence.reminder_offsets == [30, 7]
    due = check.next_due_on
    Reminder.objects.all().delete()
    for offset in (31, 30, 7, 0, -1):
        day = due - datetime.timedelta(days=offset)
        for hour in (0, 12, 23):
            sweep(now=datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC),
                  deliver=False)  # fmt: skip
    rows = Reminder.objects.filter(kind__startswith="healthcheck.due") | Reminder.objects.filter(
        kind="healthcheck.overdue"
    )
    managers = set(partnership.managers.values_list("pk", flat=True))
    for manager_pk in managers:
        kinds = sorted(rows.filter(recipient_id=manager_pk).values_list("kind", "remind_on"))
        assert kinds == sorted(
            [
                ("healthcheck.due_soon", due - datetime.timedelta(days=30)),
                ("healthcheck.due_soon", due - datetime.timedelta(days=7)),
                ("healthcheck.due", due),
                ("healthcheck.overdue", due + datetime.timedelta(days=1)),
            ]
        )
    assert rows.first().url == f"/partnerships/{partnership.pk}/tab/health-checks/"


@pytest.mark.django_db
def test_a_new_check_meets_the_due_date_and_a_changed_cadence_moves_it():
    partnership, ours, theirs = world()
    check = closed_check(partnership, ours, theirs)
    row = HealthCheckSettings.load()
    services.sync_due_dates(row)
    cadence = row.cadence
    cadence.frequency = "yearly"
    cadence.save()
    assert services.sync_due_dates(HealthCheckSettings.load()) == 1
    check.refresh_from_db()
    closed_on = min(check.closes_on, timezone.localdate(check.closed_at))
    assert check.next_due_on == cadence.next_due(closed_on)
    assert services.sync_due_dates(HealthCheckSettings.load()) == 0
    row = HealthCheckSettings.load()
    row.cadence = None
    row.save()
    services.sync_due_dates(row)
    check.refresh_from_db()
    assert check.next_due_on is None


# With a real worker ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_participant_s_notices_once_in_their_zone(
    start_worker,  # noqa: F811
    smtp_server,  # noqa: F811
    reminders_queue,  # noqa: F811
):
    start_worker(reminders_queue, env=smtp_server.env)
    settings_row = ReminderSettings.load()
    settings_row.reminder_time = datetime.time(0, 0)
    settings_row.save()
    partnership, ours, theirs = world()
    for person, zone in zip(ours + theirs, ["Europe/London", "Asia/Tokyo"] * 3, strict=True):
        person.time_zone = zone
        person.save(update_fields=["time_zone"])
    now = timezone.now()
    # Opened ten days ago, closing in three: asked, and the 3-day reminder is due today.
    check = open_check(partnership, ours, theirs, days=13, now=now - datetime.timedelta(days=10))
    assert check.closes_on == timezone.localdate(now, ours[0].tzinfo) + datetime.timedelta(3)
    answer(check, ours[2], 4)  # answered: told nothing more
    Reminder.objects.filter(kind="portal.link").delete()
    for _ in range(2):  # two beats, or a sweep run twice
        sweep_task.apply_async(kwargs={"queue": reminders_queue}, queue=reminders_queue)
    expected = 2 * 5  # asked, and the 3-day reminder, for the five still waiting
    rows = Reminder.objects.filter(kind__in=ANSWER_KINDS)
    assert wait_for(lambda: rows.filter(status="sent").count() == expected, 60)
    time.sleep(1.5)
    ids = set(rows.values_list("pk", flat=True))
    sent = [pk for pk in smtp_server.recorder.reminder_ids() if pk in ids]
    assert sorted(sent) == sorted(ids), "each exactly once"
    by_person = {}
    for message in smtp_server.recorder.messages:
        if "health check" not in message["Subject"]:
            continue  # the invitations' sign-in links
        by_person.setdefault(message["To"], []).append(message)
    assert ours[2].email not in by_person  # answered before the sweep: told nothing
    partner_mail = by_person[theirs[0].email]
    assert len(partner_mail) == 2
    body = partner_mail[-1].get_payload()[0].get_payload(decode=True).decode()
    assert "Answer the health check" in body
    assert "/portal/link/" in body and f"next=%2Fportal%2F{partnership.pk}%2Fhealth-checks" in body
    assert HealthCheck.objects.get().is_open
