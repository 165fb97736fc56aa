import datetime
import threading
import zoneinfo

import pytest
from django.db import connection

from reminders import services
from reminders.models import Reminder

from ..factories import UserFactory, executive, manager
from .factories import check_in_cadence, due_partnership

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: datetime.date, hour: int = 10, minute: int = 0, zone=LONDON) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def kinds(**filters) -> list[tuple[str, datetime.date, str]]:
    return sorted(
        Reminder.objects.filter(**filters)
        .exclude(kind="digest.weekly")
        .values_list("kind", "remind_on", "recipient__email")
    )


D = datetime.date(2027, 5, 20)  # a Thursday, far from any clock change


@pytest.fixture
def sam(db):
    return manager(email="sam@example.com", full_name="Sam Patel", time_zone="Europe/London")


@pytest.fixture
def olivia(db):
    return executive(email="olivia@example.com", full_name="Olivia Grant")


@pytest.fixture
def northwind(sam, olivia):
    return due_partnership(manager=sam, sponsor=olivia, check_in_due=D, name="Northwind")


def test_a_check_in_is_reminded_at_each_offset_then_due_overdue_and_escalated(northwind):
    timeline = {
        D - datetime.timedelta(days=8): [],
        D - datetime.timedelta(days=7): [("check_in.upcoming", D - datetime.timedelta(days=7))],
        D - datetime.timedelta(days=1): [("check_in.upcoming", D - datetime.timedelta(days=1))],
        D: [("check_in.due", D)],
        D + datetime.timedelta(days=1): [("check_in.overdue", D + datetime.timedelta(days=1))],
        D + datetime.timedelta(days=7): [("check_in.escalated", D + datetime.timedelta(days=7))],
    }
    seen = []
    for day, new in timeline.items():
        services.sweep(now=at(day))
        seen += new
        assert [(k, r) for k, r, _ in kinds()] == sorted(seen), day
    assert kinds(kind="check_in.escalated") == [
        ("check_in.escalated", D + datetime.timedelta(days=7), "olivia@example.com")
    ]
    assert {e for _, _, e in kinds(kind__in=["check_in.upcoming", "check_in.due"])} == {
        "sam@example.com"
    }


def test_a_reminder_links_to_the_exact_page_and_names_its_subject(northwind):
    services.sweep(now=at(D))
    reminder = Reminder.objects.get(kind="check_in.due")
    assert reminder.url == f"/partnerships/{northwind.pk}/"
    assert reminder.subject_key == f"partnership:{northwind.pk}:check_in"
    assert reminder.title == "Check-in due today: Northwind"
    assert reminder.due_on == D
    assert reminder.status == "pending"


def test_a_second_sweep_inserts_nothing(northwind):
    first = services.sweep(now=at(D))
    second = services.sweep(now=at(D, 11))
    assert first.created == 1
    assert second.created == 0
    assert Reminder.objects.count() == 1


def test_nothing_is_sent_before_09_00_in_the_recipients_zone(northwind):
    services.sweep(now=at(D, 8, 59))
    assert not Reminder.objects.filter(kind="check_in.due").exists()
    services.sweep(now=at(D, 9, 0))
    reminder = Reminder.objects.get(kind="check_in.due")
    assert reminder.send_after.astimezone(LONDON).time() == datetime.time(9, 0)


def test_a_sweep_that_missed_days_sends_the_latest_reminder_only(northwind):
    # Beat was down from a week before the due date until the day before it.
    services.sweep(now=at(D - datetime.timedelta(days=1)))
    assert kinds() == [("check_in.upcoming", D - datetime.timedelta(days=1), "sam@example.com")]


def test_an_overdue_check_in_is_still_reminded_after_an_outage(northwind):
    services.sweep(now=at(D + datetime.timedelta(days=10)))
    assert [k for k, _, _ in kinds()] == ["check_in.escalated", "check_in.overdue"]


def test_ended_partnerships_get_no_reminder(northwind):
    northwind.stage = "ended"
    northwind.ended_reason = "Closed."
    northwind.save()
    for offset in range(-8, 9):
        services.sweep(now=at(D + datetime.timedelta(days=offset)))
    assert kinds() == []


def test_inactive_people_get_no_reminder(northwind, sam):
    sam.is_active = False
    sam.save()
    services.sweep(now=at(D))
    assert Reminder.objects.count() == 0


def test_a_partnership_without_a_due_date_or_cadence_gets_none(sam, olivia):
    due_partnership(manager=sam, sponsor=olivia, check_in_due=None)
    p = due_partnership(manager=sam, sponsor=olivia, check_in_due=D)
    p.check_in_cadence = None
    p.save()
    services.sweep(now=at(D))
    assert Reminder.objects.count() == 0


def test_reviews_are_reminded_the_same_way(sam, olivia):
    review = check_in_cadence(
        name="Test review", purpose="review", reminder_offsets=[14], escalate_after_days=3
    )
    p = due_partnership(manager=sam, sponsor=olivia, check_in_due=None, review_cadence=review)
    p.next_review_due = D
    p.save()
    for offset in (-14, 0, 1, 3):
        services.sweep(now=at(D + datetime.timedelta(days=offset)))
    assert [k for k, _, _ in kinds()] == [
        "review.due",
        "review.escalated",
        "review.overdue",
        "review.upcoming",
    ]
    assert kinds(kind="review.escalated")[0][2] == "olivia@example.com"


def test_every_manager_gets_their_own_reminder(northwind, olivia):
    other = manager(email="jo@example.com", time_zone="America/New_York")
    northwind.managers.add(other)
    services.sweep(now=at(D, 15))  # 10:00 in New York
    assert {e for _, _, e in kinds(kind="check_in.due")} == {"sam@example.com", "jo@example.com"}


@pytest.mark.parametrize(
    ("zone", "day", "utc_hour"),
    [
        ("Europe/London", datetime.date(2027, 3, 27), 9),  # Saturday, still GMT
        ("Europe/London", datetime.date(2027, 3, 28), 8),  # clocks go forward at 01:00
        ("Europe/London", datetime.date(2027, 10, 31), 9),  # clocks go back at 02:00
        ("America/New_York", datetime.date(2027, 3, 14), 13),  # spring forward
        ("America/New_York", datetime.date(2027, 11, 7), 14),  # fall back
    ],
)
def test_a_reminder_for_09_00_local_stays_at_09_00_across_a_daylight_saving_change(
    zone, day, utc_hour, olivia
):
    person = manager(email="dst@example.com", time_zone=zone)
    due_partnership(manager=person, sponsor=olivia, check_in_due=day)
    instant = datetime.datetime.combine(day, datetime.time(utc_hour), tzinfo=UTC)
    services.sweep(now=instant - datetime.timedelta(minutes=1))
    assert not Reminder.objects.filter(kind="check_in.due").exists()
    services.sweep(now=instant)
    reminder = Reminder.objects.get(kind="check_in.due")
    assert reminder.send_after == instant
    assert reminder.send_after.astimezone(zoneinfo.ZoneInfo(zone)).time() == datetime.time(9)


def test_changing_a_cadence_reschedules_what_is_not_yet_sent(northwind):
    cadence = northwind.check_in_cadence
    services.sweep(now=at(D - datetime.timedelta(days=7)))
    assert [r for _, r, _ in kinds()] == [D - datetime.timedelta(days=7)]

    cadence.reminder_offsets = [3]
    cadence.escalate_after_days = 2
    cadence.full_clean()
    cadence.save()
    for offset in range(-6, 4):
        services.sweep(now=at(D + datetime.timedelta(days=offset)))
    assert kinds() == [
        ("check_in.due", D, "sam@example.com"),
        ("check_in.escalated", D + datetime.timedelta(days=2), "olivia@example.com"),
        ("check_in.overdue", D + datetime.timedelta(days=1), "sam@example.com"),
        ("check_in.upcoming", D - datetime.timedelta(days=7), "sam@example.com"),
        ("check_in.upcoming", D - datetime.timedelta(days=3), "sam@example.com"),
    ]


def test_a_moved_due_date_moves_its_reminders(northwind):
    services.sweep(now=at(D - datetime.timedelta(days=1)))
    northwind.next_check_in_due = D + datetime.timedelta(days=30)  # the check-in was held
    northwind.save()
    for offset in range(0, 10):
        services.sweep(now=at(D + datetime.timedelta(days=offset)))
    assert kinds() == [("check_in.upcoming", D - datetime.timedelta(days=1), "sam@example.com")]


def test_the_weekly_digest_goes_to_executives_on_monday_at_08_00_their_time(olivia, sam):
    new_york = executive(email="ny@example.com", time_zone="America/New_York")
    monday = datetime.date(2027, 3, 29)  # the first Monday of British summer time
    services.sweep(now=datetime.datetime(2027, 3, 29, 6, 59, tzinfo=UTC))
    assert not Reminder.objects.filter(kind="digest.weekly").exists()
    services.sweep(now=datetime.datetime(2027, 3, 29, 7, 0, tzinfo=UTC))  # 08:00 BST
    services.sweep(now=datetime.datetime(2027, 3, 29, 12, 0, tzinfo=UTC))  # 08:00 EDT
    digests = {r.recipient: r for r in Reminder.objects.filter(kind="digest.weekly")}
    assert set(digests) == {olivia, new_york}  # Sam manages: no digest unless he asks
    assert digests[olivia].send_after == datetime.datetime(2027, 3, 29, 7, tzinfo=UTC)
    assert digests[new_york].send_after == datetime.datetime(2027, 3, 29, 12, tzinfo=UTC)
    assert digests[olivia].remind_on == monday
    services.sweep(now=datetime.datetime(2027, 3, 30, 12, 0, tzinfo=UTC))
    assert Reminder.objects.filter(kind="digest.weekly").count() == 2


def test_a_broken_source_does_not_stop_the_others(northwind, monkeypatch):
    from reminders import registry

    def broken(window):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry._sources, "broken", registry.ReminderSource("broken", (), broken))
    result = services.sweep(now=at(D))
    assert result.failed_sources == ("broken",)
    assert Reminder.objects.filter(kind="check_in.due").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_sweep_plans_every_statement_for_its_values(northwind, monkeypatch):
    """Prepared statements are on: the sweep must not run on a generic plan. (Transactional:
    the setting ends with the sweep's own transaction, as in a worker.)"""
    from reminders import registry

    seen = []

    def send_at() -> datetime.time:
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            seen.append(cursor.fetchone()[0])
        return datetime.time(9, 0)

    probe = registry.ReminderSource("probe", (), lambda window: [], send_at)
    monkeypatch.setitem(registry._sources, "probe", probe)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        before = cursor.fetchone()[0]
    services.sweep(now=at(D))
    assert seen == ["force_custom_plan"] != [before]
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == before  # the sweep's own transaction only


def test_a_source_that_returns_the_wrong_columns_is_refused_in_words(monkeypatch, northwind):
    from partnerships.models import Partnership
    from reminders import registry

    monkeypatch.setitem(
        registry._sources,
        "wrong",
        registry.ReminderSource("wrong", (), lambda window: [Partnership.objects.values("pk")]),
    )
    with pytest.raises(ValueError, match=r"must return \.values"):
        services._insert_due(registry._sources["wrong"], ["UTC"], datetime.time(9), at(D))


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_produce_each_reminder_once():
    sponsor = executive()
    people = [UserFactory(time_zone="Europe/London") for _ in range(5)]
    for index in range(200):
        due_partnership(
            manager=people[index % 5], sponsor=sponsor, check_in_due=D, name=f"P{index}"
        )
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(services.sweep(now=at(D)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert Reminder.objects.filter(kind="check_in.due").count() == 200
    assert sum(r.created for r in results) == Reminder.objects.count()


def test_the_sweep_asks_about_each_time_zone_once(northwind, monkeypatch):
    for _ in range(5):
        manager(time_zone="Europe/London")
    seen = []
    real = services._insert_due
    monkeypatch.setattr(
        services,
        "_insert_due",
        lambda source, zones, *a: seen.append(zones) or real(source, zones, *a),
    )
    services.sweep(now=at(D))
    assert all(sorted(zones) == sorted(set(zones)) for zones in seen)


def test_a_sweep_without_delivery_leaves_the_rows_for_the_next_sweep_to_enqueue(northwind):
    result = services.sweep(now=at(D), deliver=False)
    assert result.created == 1 and result.queued == 0
    assert Reminder.objects.get().queued_at is None
    assert services.sweep(now=at(D, 11)).queued == 1


def test_a_source_whose_sql_fails_is_rolled_back_alone(northwind, monkeypatch):
    from django.db.models import IntegerField
    from django.db.models.functions import Cast

    from partnerships.models import Partnership
    from reminders import registry
    from reminders.sources import key, link, on_day

    def bad_sql(window):
        # "Northwind" is no integer: the database refuses it mid-statement.
        return [
            on_day(
                Partnership.objects.all(),
                "next_check_in_due",
                window,
                kind="bad.kind",
                subject_key=key("bad:"),
                recipient="managers",
                url=link("partnerships:detail", partnership_pk="pk"),
                title=Cast("name", IntegerField()),
            )
        ]

    # Registered first: the core's source runs after it, in the same transaction.
    bad = registry.ReminderSource("a-bad-one", (), bad_sql)
    monkeypatch.setattr(registry, "_sources", {"a-bad-one": bad, **registry._sources})
    result = services.sweep(now=at(D))
    assert result.failed_sources == ("a-bad-one",)
    assert Reminder.objects.filter(kind="check_in.due").count() == 1
