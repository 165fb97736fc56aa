"""The core's reminders: check-ins and reviews coming up, due, overdue and escalated; their part
of the weekly digest; and their dates in each person's calendar feed. The reminders engine knows
no partnership: this module tells it what is due (see reminders/registry.py)."""

import datetime

from django.db.models import F, Q
from django.urls import reverse

from reminders.models import Cadence
from reminders.registry import (
    CalendarEvent,
    DigestItem,
    DigestSection,
    DueWindow,
    ReminderKind,
    ReminderSource,
    register_calendar_source,
    register_digest_section,
    register_source,
)
from reminders.sources import key, link, on_day, text, upcoming

from .access import visible_partnerships
from .models import Partnership, Stage

# purpose: (due-date field, cadence field, noun)
PURPOSES = {
    "check_in": ("next_check_in_due", "check_in_cadence", "Check-in"),
    "review": ("next_review_due", "review_cadence", "Review"),
}


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def partnership_reminders_due(window: DueWindow):
    live = Partnership.objects.exclude(stage=Stage.ENDED)
    url = link("partnerships:detail", partnership_pk="pk")
    for purpose, (due, cadence_field, noun) in PURPOSES.items():
        subject = key("partnership:", "pk", f":{purpose}")
        common = {"subject_key": subject, "url": url}
        for cadence in Cadence.objects.filter(purpose=purpose):
            rows = live.filter(**{cadence_field: cadence, f"{due}__isnull": False})
            yield from upcoming(
                rows,
                due,
                cadence.reminder_offsets,
                window,
                kind=f"{purpose}.upcoming",
                recipient="managers",
                title=lambda offset, noun=noun: text(f"{noun} in {_days(offset)}: ", F("name")),
                **common,
            )
            yield on_day(
                rows,
                due,
                window,
                kind=f"{purpose}.due",
                days_after=0,
                until_days_after=0,
                recipient="managers",
                title=text(f"{noun} due today: ", F("name")),
                **common,
            )
            yield on_day(
                rows,
                due,
                window,
                kind=f"{purpose}.overdue",
                days_after=1,
                recipient="managers",
                title=text(f"{noun} overdue: ", F("name")),
                **common,
            )
            yield on_day(
                rows,
                due,
                window,
                kind=f"{purpose}.escalated",
                days_after=cadence.escalate_after_days,
                recipient="executive_sponsor",
                title=text(
                    f"Escalated: {noun.lower()} {_days(cadence.escalate_after_days)} overdue: ",
                    F("name"),
                ),
                **common,
            )


KINDS = (
    ReminderKind("check_in.upcoming", "Check-in coming up", "At each of the cadence's offsets."),
    ReminderKind("check_in.due", "Check-in due today"),
    ReminderKind("check_in.overdue", "Check-in overdue"),
    ReminderKind("check_in.escalated", "Check-in escalated", "To the executive sponsor."),
    ReminderKind("review.upcoming", "Review coming up", "At each of the cadence's offsets."),
    ReminderKind("review.due", "Review due today"),
    ReminderKind("review.overdue", "Review overdue"),
    ReminderKind("review.escalated", "Review escalated", "To the executive sponsor."),
)


def _overdue(purpose: str):
    due, _, noun = PURPOSES[purpose]

    def items(user, today: datetime.date) -> list[DigestItem]:
        rows = (
            visible_partnerships(user)
            .exclude(stage=Stage.ENDED)
            .filter(**{f"{due}__lt": today})
            .order_by(due, "name")
            .values_list("pk", "name", due)[:25]
        )
        return [
            DigestItem(
                title=name,
                url=reverse("partnerships:detail", args=[pk]),
                detail=f"{noun} due {day:%-d %b %Y}, {_days((today - day).days)} overdue",
                date=day,
            )
            for pk, name, day in rows
        ]

    return items


def calendar_events(user, start: datetime.date, end: datetime.date) -> list[CalendarEvent]:
    rows = (
        visible_partnerships(user)
        .exclude(stage=Stage.ENDED)
        .filter(Q(next_check_in_due__range=(start, end)) | Q(next_review_due__range=(start, end)))
        .values_list("pk", "name", "next_check_in_due", "next_review_due")
    )
    events = []
    for pk, name, check_in, review in rows:
        for purpose, day in (("check_in", check_in), ("review", review)):
            if day and start <= day <= end:
                noun = PURPOSES[purpose][2]
                events.append(
                    CalendarEvent(
                        uid=f"partnership-{pk}-{purpose.replace('_', '-')}-{day:%Y%m%d}",
                        start=day,
                        summary=f"{noun}: {name}",
                        url=reverse("partnerships:detail", args=[pk]),
                        description=f"{noun} due for the partnership “{name}”.",
                        categories=(noun,),
                    )
                )
    return events


def register() -> None:
    register_source(ReminderSource("partnerships", KINDS, partnership_reminders_due))
    register_digest_section(
        DigestSection(
            "overdue_check_ins",
            "Overdue check-ins",
            10,
            _overdue("check_in"),
            empty_text="Every check-in is on time.",
        )
    )
    register_digest_section(
        DigestSection(
            "overdue_reviews",
            "Overdue reviews",
            20,
            _overdue("review"),
            empty_text="Every review is on time.",
        )
    )
    register_calendar_source("partnerships", calendar_events)
    from .registry import register_demo_seeder

    # Last, after every step app's data: the bell shows the demo's reminders at first sign-in.
    register_demo_seeder(seed_demo_notices, order=1000)


def seed_demo_notices(stdout) -> None:
    from reminders.services import sweep

    result = sweep(deliver=False)
    stdout.write(f"Reminders: {result.created} notices due now (beat e-mails them).")


register()
