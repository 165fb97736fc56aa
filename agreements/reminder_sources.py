"""Agreements' part of the reminders: notice deadlines (expiry minus notice, never the expiry
itself) coming up and due, to the partnership's managers and its executive sponsor; the
deadlines in each person's calendar feed; and those near in the weekly digest."""

import datetime

from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from partnerships.access import visible_partnerships
from partnerships.models import Stage
from reminders.models import ReminderSettings
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

from .models import Agreement, Status

DIGEST_DAYS = 90


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def in_force():
    return Agreement.objects.filter(status=Status.SIGNED, notice_deadline__isnull=False).exclude(
        partnership__stage=Stage.ENDED
    )


def _current_with_notice():
    """Each live partnership's current agreement (its latest signed version) with a deadline.

    Rows are agreements, so the sweep's date filters reach ``notice_deadline`` through the
    ``(status, notice_deadline)`` index and a sweep costs what is near its deadline, not one
    lookup per partnership. "Latest signed" is "no later signed version", checked for those
    rows only."""
    later_signed = Agreement.objects.filter(
        partnership=OuterRef("partnership"), status=Status.SIGNED, version__gt=OuterRef("version")
    )
    return (
        Agreement.objects.filter(status=Status.SIGNED, notice_deadline__isnull=False)
        .exclude(partnership__stage=Stage.ENDED)
        .exclude(Exists(later_signed))
    )


def notice_due(window: DueWindow):
    offsets = ReminderSettings.load().notice_offsets
    rows = _current_with_notice()
    name = F("partnership__name")
    common = {
        "subject_key": key("agreement:", "pk", ":notice"),
        "url": link("agreements:detail", partnership_pk="partnership_id", agreement_pk="pk"),
    }
    for recipient in ("partnership__managers", "partnership__executive_sponsor"):
        yield from upcoming(
            rows,
            "notice_deadline",
            offsets,
            window,
            kind="agreement.notice",
            recipient=recipient,
            title=lambda offset: text(f"Notice deadline in {_days(offset)}: ", name),
            **common,
        )
        yield on_day(
            rows,
            "notice_deadline",
            window,
            kind="agreement.notice_due",
            days_after=0,
            until_days_after=0,
            recipient=recipient,
            title=text("Notice deadline today: ", name),
            **common,
        )


KINDS = (
    ReminderKind(
        "agreement.notice",
        "Agreement notice deadline coming up",
        "Before the notice deadline (expiry minus notice), at the offsets in reminder settings.",
    ),
    ReminderKind("agreement.notice_due", "Agreement notice deadline today"),
)


def _agreements_for(user):
    return in_force().filter(partnership__in=visible_partnerships(user).values("pk"))


def digest_items(user, today: datetime.date) -> list[DigestItem]:
    rows = (
        _agreements_for(user)
        .filter(notice_deadline__lte=today + datetime.timedelta(days=DIGEST_DAYS))
        .order_by("notice_deadline", "partnership__name")
        .values_list("pk", "partnership_id", "partnership__name", "version", "notice_deadline")[:25]
    )
    items = []
    for pk, partnership_pk, name, version, deadline in rows:
        when = (
            f"passed {_days((today - deadline).days)} ago"
            if deadline < today
            else f"in {_days((deadline - today).days)}"
        )
        items.append(
            DigestItem(
                title=name,
                url=reverse("agreements:detail", args=[partnership_pk, pk]),
                detail=f"Agreement v{version}: notice deadline {deadline:%-d %b %Y}, {when}",
                date=deadline,
            )
        )
    return items


def calendar_events(user, start: datetime.date, end: datetime.date) -> list[CalendarEvent]:
    rows = (
        _agreements_for(user)
        .filter(notice_deadline__range=(start, end))
        .values_list("pk", "partnership_id", "partnership__name", "version", "notice_deadline")
    )
    return [
        CalendarEvent(
            uid=f"agreement-{pk}-notice-{deadline:%Y%m%d}",
            start=deadline,
            summary=f"Notice deadline: {name}",
            url=reverse("agreements:detail", args=[partnership_pk, pk]),
            description=f"Last day to give notice on agreement v{version} of “{name}”.",
            categories=("Agreement",),
        )
        for pk, partnership_pk, name, version, deadline in rows
    ]


def register() -> None:
    register_source(ReminderSource("agreements", KINDS, notice_due))
    register_digest_section(
        DigestSection(
            "agreement_notice",
            "Agreements nearing their notice deadline",
            30,
            digest_items,
            empty_text="No agreement reaches its notice deadline in the next 90 days.",
        )
    )
    register_calendar_source("agreements", calendar_events)
