import datetime
import zoneinfo

import pytest

from agreements.models import Status
from agreements.reminder_sources import calendar_events, digest_items
from partnerships.models import Stage
from reminders import services
from reminders.models import Reminder

from ..factories import PartnershipFactory
from .factories import AgreementFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
DEADLINE = datetime.date(2027, 5, 20)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=LONDON)


@pytest.fixture
def signed(bobs_partnership):
    bobs_partnership.stage = Stage.ACTIVE
    bobs_partnership.save()
    return AgreementFactory(
        partnership=bobs_partnership,
        status=Status.SIGNED,
        signed_on=datetime.date(2024, 5, 1),
        effective_date=datetime.date(2024, 6, 1),
        expiry_date=DEADLINE + datetime.timedelta(days=90),
        notice_period_days=90,
    )


def _notices() -> list[tuple[str, datetime.date, str]]:
    return sorted(
        Reminder.objects.filter(kind__startswith="agreement.").values_list(
            "kind", "remind_on", "recipient__email"
        )
    )


def test_the_notice_deadline_not_the_expiry_is_reminded_to_managers_and_sponsor(signed):
    assert signed.notice_deadline == DEADLINE
    early = DEADLINE - datetime.timedelta(days=90)
    services.sweep(now=at(early - datetime.timedelta(days=1)))
    assert _notices() == []
    services.sweep(now=at(early))
    day = DEADLINE - datetime.timedelta(days=30)
    services.sweep(now=at(day))
    assert _notices() == [
        ("agreement.notice", early, "alice@example.com"),
        ("agreement.notice", early, "bob@example.com"),
        ("agreement.notice", day, "alice@example.com"),
        ("agreement.notice", day, "bob@example.com"),
    ]
    reminder = Reminder.objects.filter(kind="agreement.notice", remind_on=day).first()
    assert reminder.title == "Notice deadline in 30 days: Northwind supply"
    assert reminder.url == signed.get_absolute_url()
    services.sweep(now=at(DEADLINE))
    services.sweep(now=at(DEADLINE))
    assert [k for k in _notices() if k[0] == "agreement.notice_due"] == [
        ("agreement.notice_due", DEADLINE, "alice@example.com"),
        ("agreement.notice_due", DEADLINE, "bob@example.com"),
    ]


def test_drafts_superseded_versions_and_ended_partnerships_are_not_reminded(signed):
    AgreementFactory(partnership=signed.partnership, expiry_date=DEADLINE)  # a draft
    ended = PartnershipFactory(stage=Stage.ENDED, ended_reason="Closed")
    AgreementFactory(
        partnership=ended, status=Status.SIGNED, signed_on=datetime.date(2024, 1, 1),
        expiry_date=signed.expiry_date,
    )  # fmt: skip
    services.sweep(now=at(DEADLINE))
    assert {(k, e) for k, _, e in _notices()} == {
        ("agreement.notice_due", "alice@example.com"),
        ("agreement.notice_due", "bob@example.com"),
    }


def test_the_digest_and_calendar_show_notice_deadlines_only_to_those_who_see_them(
    signed, bob, charlie
):
    today = DEADLINE - datetime.timedelta(days=10)
    assert [i.title for i in digest_items(bob, today)] == ["Northwind supply"]
    assert digest_items(charlie, today) == []
    assert "in 10 days" in digest_items(bob, today)[0].detail
    events = calendar_events(bob, DEADLINE, DEADLINE)
    assert [e.summary for e in events] == ["Notice deadline: Northwind supply"]
    assert calendar_events(charlie, DEADLINE, DEADLINE) == []
