"""The weekly digest is itself a reminder source: one row per recipient and week, due on the
digest weekday at the digest time in each recipient's own time zone, so the outbox's claims,
retries and "send again" serve it too. What it says comes from the digest-section registry."""

import datetime

from django.db.models import DateField, Q, Value

from accounts import roles
from accounts.models import User

from .models import NoticePreference, ReminderSettings
from .registry import DIGEST_KIND, DueWindow, ReminderKind, ReminderSource, register_source
from .sources import shape, text


def digest_recipients():
    executives = User.objects.filter(groups__name=roles.EXECUTIVE).values("pk")
    opted_out = NoticePreference.objects.filter(weekly_digest=False).values("user_id")
    digest_only = NoticePreference.objects.filter(digest_only=True).values("user_id")
    return User.objects.filter(is_active=True).filter(
        (Q(pk__in=executives) & ~Q(pk__in=opted_out)) | Q(pk__in=digest_only)
    )


def digest_due(window: DueWindow):
    weekday = ReminderSettings.load().digest_weekday
    day = window.earliest
    while day <= window.latest:
        if day.weekday() == weekday:
            when = Value(day, output_field=DateField())
            yield shape(
                digest_recipients(),
                kind=DIGEST_KIND,
                subject_key=Value(f"digest:{day.isoformat()}"),
                due_on=when,
                remind_on=when,
                # A digest more than a day late is no news: the next week's will come.
                last_day=Value(day + datetime.timedelta(days=1), output_field=DateField()),
                recipient="pk",
                url=Value("/digest/"),
                title=text(f"Your weekly Accord digest · {day:%-d %b %Y}"),
            )
        day += datetime.timedelta(days=1)


def register() -> None:
    register_source(
        ReminderSource(
            name="digest",
            kinds=(
                ReminderKind(
                    DIGEST_KIND,
                    "Weekly digest",
                    "Executives: what is overdue, at risk and near its notice deadline.",
                ),
            ),
            due=digest_due,
            send_at=lambda: ReminderSettings.load().digest_time,
        )
    )
