import datetime

import pytest
from django.core.exceptions import ValidationError

from reminders.models import Cadence

from ..factories import CadenceFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_default_cadences():
    names = set(Cadence.objects.values_list("name", flat=True))
    assert {
        "Weekly check-in",
        "Monthly check-in",
        "Quarterly business review",
        "Annual review",
    } <= names
    qbr = Cadence.objects.get(name="Quarterly business review")
    assert qbr.purpose == "review"
    assert qbr.reminder_offsets == [14, 3, 1]


@pytest.mark.parametrize(
    ("frequency", "start", "expected"),
    [
        ("weekly", datetime.date(2026, 12, 28), datetime.date(2027, 1, 4)),
        ("monthly", datetime.date(2027, 1, 31), datetime.date(2027, 2, 28)),
        ("monthly", datetime.date(2028, 1, 31), datetime.date(2028, 2, 29)),
        ("quarterly", datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),
        ("half_yearly", datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),
        ("yearly", datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
    ],
)
def test_next_due_clamps_month_ends_and_leap_days(frequency, start, expected):
    cadence = CadenceFactory.build(frequency=frequency)
    assert cadence.next_due(start) == expected


def test_every_n_weeks_steps_by_n_weeks():
    cadence = CadenceFactory.build(frequency="every_n_weeks", interval_weeks=3)
    assert cadence.next_due(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 22)
    assert cadence.describe() == "Every 3 weeks"


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ([], "at least one reminder offset"),
        ([3, -1], "negative"),
        (["x"], "not a whole number"),
        ([3, 3], "only once"),
    ],
)
def test_bad_offsets_are_refused_in_words(offsets, message):
    cadence = CadenceFactory.build(reminder_offsets=offsets)
    with pytest.raises(ValidationError) as exc:
        cadence.full_clean()
    assert message in str(exc.value)


def test_every_n_weeks_needs_its_n():
    cadence = CadenceFactory.build(frequency="every_n_weeks", interval_weeks=None)
    with pytest.raises(ValidationError) as exc:
        cadence.full_clean()
    assert "every how many weeks" in str(exc.value)


def test_the_database_refuses_every_n_weeks_without_n():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CadenceFactory(frequency="every_n_weeks", interval_weeks=None)


def test_offsets_are_kept_soonest_last():
    cadence = CadenceFactory.build(reminder_offsets=[1, 14, 3])
    cadence.full_clean()
    assert cadence.reminder_offsets == [14, 3, 1]


def test_administrators_edit_offsets_as_a_comma_list_in_admin(client, admin_user):
    client.force_login(admin_user)
    cadence = Cadence.objects.get(name="Monthly check-in")
    url = f"/admin/reminders/cadence/{cadence.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert "7, 1, 0" in response.content.decode()
    data = {
        "name": cadence.name,
        "purpose": "check_in",
        "frequency": "monthly",
        "interval_weeks": "",
        "reminder_offsets": "10, -2",
        "escalate_after_days": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "negative" in response.content.decode()
    cadence.refresh_from_db()
    assert cadence.reminder_offsets == [7, 1, 0]

    response = client.post(url, {**data, "reminder_offsets": "3, 10"})
    assert response.status_code == 302
    cadence.refresh_from_db()
    assert cadence.reminder_offsets == [10, 3]
    assert cadence.escalate_after_days == 5
