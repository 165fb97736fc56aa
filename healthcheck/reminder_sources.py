"""What the health check tells the reminders engine (see reminders/registry.py):

- to each participant who has not answered: that their view is wanted (as soon as the check
  opens), then a reminder at each of the administrators' offsets before the closing date that
  falls after the opening day; our people are sent to the answer page here, partner contacts to
  the portal's (``portal`` registers their side with :func:`answer_source`, since this app
  knows nothing of the portal);
- to the partnership's managers: the next check coming due (the last close plus the cadence),
  due, overdue, and escalated to the executive sponsor;
- both dates in the calendar feed of those who see the partnership.

Reminders are outbox rows under the engine's unique key: each is sent once, at the send time in
each recipient's own time zone, whatever the number of sweeps.
"""

import datetime

from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from accounts import roles
from accounts.models import User
from partnerships.access import visible_partnerships
from partnerships.models import Partnership, PortalAccess, Stage
from reminders.registry import (
    CalendarEvent,
    DueWindow,
    ReminderKind,
    ReminderSource,
    register_calendar_source,
    register_source,
)
from reminders.sources import add_days, key, link, on_day, shape, text, upcoming

from . import services
from .models import HealthCheck, HealthCheckSettings, Participant, Side, Status

# The "your view is wanted" notice counts from two days before the opening day, so that it is
# due at once in every time zone, however far behind the opener's.
ASKED_LEAD_DAYS = 2


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def waiting(side: str):
    """Who of ``side`` has not answered an open check, and may still: our people who still see
    the partnership, partner contacts still invited to its portal."""
    rows = (
        Participant.objects.waiting()
        .filter(side=side, health_check__status=Status.OPEN)
        .exclude(health_check__partnership__stage=Stage.ENDED)
    )
    partnership = OuterRef("health_check__partnership_id")
    if side == Side.PARTNER:
        invited = PortalAccess.objects.filter(
            partnership_id=partnership, contact__user_id=OuterRef("user_id"), revoked_at=None
        )
        return rows.filter(Exists(invited))
    executive = User.groups.through.objects.filter(
        user_id=OuterRef("user_id"), group__name=roles.EXECUTIVE
    )
    manages = Partnership.managers.through.objects.filter(
        partnership_id=partnership, user_id=OuterRef("user_id")
    )
    return rows.filter(Exists(executive) | Exists(manages))


def answer_reminders(
    window: DueWindow, *, side: str, asked_kind: str, reminder_kind: str, viewname: str
):
    """The participants of ``side`` who have not answered: the notice that they are asked, and
    a reminder at each offset before the closing date."""
    rows = waiting(side)
    due = "health_check__closes_on"
    common = {
        "subject_key": key("healthcheck:", "health_check_id", ":answer"),
        "recipient": "user",
        "url": link(
            viewname, partnership_pk="health_check__partnership_id", check_pk="health_check_id"
        ),
    }
    name = F("health_check__partnership__name")
    yield shape(
        rows.filter(
            health_check__opens_on__lte=window.latest + datetime.timedelta(days=ASKED_LEAD_DAYS),
            health_check__closes_on__gte=window.earliest,
        ),
        kind=asked_kind,
        due_on="health_check__opens_on",
        remind_on=add_days("health_check__opens_on", -ASKED_LEAD_DAYS),
        last_day=F(due),
        title=text("Your view is wanted: the joint health check of ", name),
        **common,
    )
    offsets = sorted(
        {o for o in HealthCheckSettings.load().answer_reminder_offsets if o > 0}, reverse=True
    )
    for index, offset in enumerate(offsets):
        nearer = offsets[index + 1] if index + 1 < len(offsets) else 0
        in_window = rows.filter(
            **{
                f"{due}__lte": window.latest + datetime.timedelta(days=offset),
                f"{due}__gte": window.earliest + datetime.timedelta(days=nearer + 1),
            },
            # Only reminders that fall after the day it opened: the notice says it all then.
            health_check__closes_on__gt=add_days("health_check__opens_on", offset),
        )
        yield shape(
            in_window,
            kind=reminder_kind,
            due_on=due,
            remind_on=add_days(due, -offset),
            last_day=add_days(due, -(nearer + 1)),
            title=text(f"The joint health check closes in {_days(offset)}: ", name),
            **common,
        )


def answer_source(
    name: str, *, side: str, asked_kind: str, reminder_kind: str, viewname: str, who: str
) -> ReminderSource:
    return ReminderSource(
        name,
        (
            ReminderKind(asked_kind, f"Joint health check: {who} asked to answer"),
            ReminderKind(
                reminder_kind,
                f"Joint health check: reminder to answer ({who})",
                "At each offset before the closing date, to those who have not answered.",
            ),
        ),
        lambda window: answer_reminders(
            window,
            side=side,
            asked_kind=asked_kind,
            reminder_kind=reminder_kind,
            viewname=viewname,
        ),
    )


DUE_KINDS = (
    ReminderKind(
        "healthcheck.due_soon",
        "Joint health check coming due",
        "The last check's close plus the health-check cadence, at the cadence's offsets.",
    ),
    ReminderKind("healthcheck.due", "Joint health check due today"),
    ReminderKind("healthcheck.overdue", "Joint health check overdue"),
    ReminderKind("healthcheck.escalated", "Joint health check escalated", "To the sponsor."),
)


def due_reminders(window: DueWindow):
    row = HealthCheckSettings.load()
    services.sync_due_dates(row)  # an administrator may have changed the cadence
    cadence = row.cadence
    if cadence is None:
        return
    rows = HealthCheck.objects.filter(latest=True, next_due_on__isnull=False).exclude(
        partnership__stage=Stage.ENDED
    )
    common = {
        "subject_key": key("partnership:", "partnership_id", ":health_check"),
        "url": link(
            "partnerships:tab", fixed={"tab": "health-checks"}, partnership_pk="partnership_id"
        ),
    }
    name = F("partnership__name")
    yield from upcoming(
        rows,
        "next_due_on",
        cadence.reminder_offsets,
        window,
        kind="healthcheck.due_soon",
        recipient="partnership__managers",
        title=lambda offset: text(f"Joint health check due in {_days(offset)}: ", name),
        **common,
    )
    yield on_day(
        rows,
        "next_due_on",
        window,
        kind="healthcheck.due",
        until_days_after=0,
        recipient="partnership__managers",
        title=text("Joint health check due today: ", name),
        **common,
    )
    yield on_day(
        rows,
        "next_due_on",
        window,
        kind="healthcheck.overdue",
        days_after=1,
        recipient="partnership__managers",
        title=text("Joint health check overdue: ", name),
        **common,
    )
    yield on_day(
        rows,
        "next_due_on",
        window,
        kind="healthcheck.escalated",
        days_after=cadence.escalate_after_days,
        recipient="partnership__executive_sponsor",
        title=text(
            f"Escalated: joint health check {_days(cadence.escalate_after_days)} overdue: ", name
        ),
        **common,
    )


def calendar_events(user, start: datetime.date, end: datetime.date) -> list[CalendarEvent]:
    live = visible_partnerships(user).exclude(stage=Stage.ENDED).values("pk")
    events = []
    closing = HealthCheck.objects.open().filter(partnership__in=live, closes_on__range=(start, end))
    due = HealthCheck.objects.filter(
        latest=True, partnership__in=live, next_due_on__range=(start, end)
    )
    for pk, partnership_pk, name, day in closing.values_list(
        "pk", "partnership_id", "partnership__name", "closes_on"
    ):
        events.append(
            CalendarEvent(
                uid=f"health-check-{pk}-closes-{day:%Y%m%d}",
                start=day,
                summary=f"Health check closes: {name}",
                url=reverse("healthcheck:detail", args=[partnership_pk, pk]),
                description=f"Last day to answer the joint health check of “{name}”.",
                categories=("Health check",),
            )
        )
    for partnership_pk, name, day in due.values_list(
        "partnership_id", "partnership__name", "next_due_on"
    ):
        events.append(
            CalendarEvent(
                uid=f"partnership-{partnership_pk}-health-check-{day:%Y%m%d}",
                start=day,
                summary=f"Health check due: {name}",
                url=reverse("partnerships:tab", args=[partnership_pk, "health-checks"]),
                description=f"The next joint health check of “{name}” is due.",
                categories=("Health check",),
            )
        )
    return events


def register() -> None:
    register_source(
        answer_source(
            "healthcheck.ours",
            side=Side.US,
            asked_kind="healthcheck.asked",
            reminder_kind="healthcheck.answer",
            viewname="healthcheck:answer",
            who="our people",
        )
    )
    register_source(ReminderSource("healthcheck.due", DUE_KINDS, due_reminders))
    register_calendar_source("healthcheck", calendar_events)
