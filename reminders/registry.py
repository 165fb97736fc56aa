"""Where the core and the step apps plug into the reminders engine, which knows none of them.

Everything here is registered from an app's ``AppConfig.ready()``. Three registries:

1. Reminder sources: what is due, for the sweep
------------------------------------------------
A source owns some *kinds* of reminder and, for a window of days, returns querysets of what is
due. The sweep compiles each queryset to SQL and wraps them all in one
``INSERT INTO reminders_reminder … SELECT … ON CONFLICT DO NOTHING``, so 100,000 due rows cost
one statement and a second sweep inserts nothing. The due function is called with a
:class:`DueWindow` and returns querysets whose ``.values()`` name exactly :data:`COLUMNS`:

================  ====================================================================
``kind``          one of the source's kinds, e.g. ``"agreement.notice"``
``subject_key``   what it is about, stable across sweeps: ``"agreement:7:notice"``
``due_on``        the subject's due date (a new due date means new reminders)
``remind_on``     the reminder's day (for "7 days before": ``due_on - 7``)
``last_day``      the last day it is still worth sending (``None``: until sent)
``recipient_id``  an ``accounts.User`` id; inactive users are skipped by the sweep
``url``           the path of the exact page to open, e.g. ``"/partnerships/12/"``
``title``         one line, shown in the bell, the list and as the e-mail subject
================  ====================================================================

(or the same names prefixed with ``reminder_``, as the helpers do, when the model has a field
of that name: ``values()`` refuses an expression named like a field).

A row is inserted once its ``remind_on`` has reached the recipient's send time
(``ReminderSettings.reminder_time``, 09:00 by default, in the recipient's time zone) and while
``last_day`` has not passed; ``window.earliest``/``window.latest`` bound those days over all
time zones, so filter on them to let the database use its indexes. Build the values with
database functions (``Value``, ``F``, ``Concat``, and :class:`reminders.sources.AddDays` for
date arithmetic that runs on PostgreSQL and SQLite alike); :mod:`reminders.sources` has helpers
for the usual shape, "N days before a date, then due, overdue and escalated"
(:func:`reminders.sources.date_reminders`).

Example, the agreements app (notice deadline = expiry minus notice period; offsets are the
administrators', in ``ReminderSettings.notice_offsets``)::

    # agreements/reminder_sources.py
    from reminders.models import ReminderSettings
    from reminders.registry import ReminderKind, ReminderSource, register_source
    from reminders.sources import upcoming

    def notice_due(window):
        offsets = ReminderSettings.load().notice_offsets
        current = Agreement.objects.current().exclude(partnership__stage="ended")
        return upcoming(
            current, "notice_deadline", offsets, window,
            kind="agreement.notice", subject="agreement:{pk}:notice",
            recipient="partnership__managers", url=..., title=...,
        )

    register_source(ReminderSource(
        "agreements", (ReminderKind("agreement.notice", "Agreement notice deadline"),), notice_due
    ))

A due function may first record state of its own before it answers — for example
``communications`` marks a concern escalated (who, when) once its response target has passed,
then returns the reminder to its owner and the escalation to the next level of the agreement's
ladder as two querysets. Reminders are never sent twice: the outbox's unique key is
``(kind, subject_key, due_on, remind_on, recipient)``.

2. Digest sections: what the weekly digest says
-----------------------------------------------
``register_digest_section(DigestSection(slug, title, order, items))``: ``items(user, today)``
returns a list of :class:`DigestItem` for that user — filter by what the user may see (the
core uses ``partnerships.access.visible_partnerships``). Sections that return nothing are left
out of the digest.

3. Calendar sources: the iCalendar feed
---------------------------------------
``register_calendar_source(slug, events)``: ``events(user, start, end)`` returns
:class:`CalendarEvent` items dated between ``start`` and ``end``, only for what the user may
see. The feed turns them into all-day events with a stable UID.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

COLUMNS = (
    "kind",
    "subject_key",
    "due_on",
    "remind_on",
    "last_day",
    "recipient_id",
    "url",
    "title",
)
# The helpers of reminders.sources name their columns with this prefix, so that they never
# clash with a model's own fields; a hand-written source may use either naming.
PREFIX = "reminder_"
DIGEST_KIND = "digest.weekly"


@dataclass(frozen=True)
class DueWindow:
    """The days the sweep asks about: in some time zone each of them is "today" past the send
    time. ``earliest <= latest``; they differ by a day or two across time zones."""

    earliest: datetime.date
    latest: datetime.date
    now: datetime.datetime


@dataclass(frozen=True)
class ReminderKind:
    key: str
    label: str
    help_text: str = ""


@dataclass(frozen=True)
class ReminderSource:
    """``due(window)`` returns querysets of rows shaped as :data:`COLUMNS`.

    ``send_at()`` gives the local time of day at which its reminders go out; by default the
    administrators' ``ReminderSettings.reminder_time``.
    """

    name: str
    kinds: tuple[ReminderKind, ...]
    due: Callable[[DueWindow], Iterable["QuerySet"]]
    send_at: Callable[[], datetime.time] | None = None


_sources: dict[str, ReminderSource] = {}


def register_source(source: ReminderSource) -> None:
    _sources[source.name] = source


def sources() -> list[ReminderSource]:
    return list(_sources.values())


def kinds() -> dict[str, ReminderKind]:
    return {kind.key: kind for source in _sources.values() for kind in source.kinds}


def kind_label(key: str) -> str:
    kind = kinds().get(key)
    return kind.label if kind else key.replace("_", " ").replace(".", " · ").capitalize()


@dataclass(frozen=True)
class EmailTemplate:
    """How one kind is e-mailed when the default reminder e-mail will not do.

    ``context(reminder)`` is called at delivery, not when the row is written, so whatever it
    adds (a sign-in link, say) exists only in the e-mail and never in the outbox.
    """

    kind: str
    template: str  # rendered as <template>.txt and <template>.html
    context: Callable[[Any], dict]
    always_email: bool = False  # a link the person asked for is sent whatever their preferences


_emails: dict[str, EmailTemplate] = {}


def register_email(email: EmailTemplate) -> None:
    _emails[email.kind] = email


def email_for(kind: str) -> EmailTemplate | None:
    return _emails.get(kind)


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str
    detail: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class DigestSection:
    slug: str
    title: str
    order: int
    items: Callable[[Any, datetime.date], list[DigestItem]]
    empty_text: str = ""


_digest_sections: dict[str, DigestSection] = {}


def register_digest_section(section: DigestSection) -> None:
    _digest_sections[section.slug] = section


def digest_sections() -> list[DigestSection]:
    return sorted(_digest_sections.values(), key=lambda s: s.order)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across feeds, e.g. "partnership-12-check-in-2027-03-28"
    start: datetime.date
    summary: str
    url: str = ""
    description: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


CalendarSource = Callable[[Any, datetime.date, datetime.date], Iterable[CalendarEvent]]
_calendar_sources: dict[str, CalendarSource] = {}


def register_calendar_source(slug: str, events: CalendarSource) -> None:
    _calendar_sources[slug] = events


def calendar_sources() -> list[CalendarSource]:
    return list(_calendar_sources.values())
