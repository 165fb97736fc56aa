"""What planning tells the reminders engine (see reminders/registry.py): a milestone achieved, to
the partnership's team (its managers and executive sponsor, not the person who recorded it);
milestone target dates in each person's calendar feed; and, in the weekly digest, the week's
successes and the renewals still waiting for a decision."""

import datetime

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from partnerships.access import visible_partnerships
from partnerships.models import Stage, Transition
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
from reminders.sources import add_days, key, link, shape, text

from .models import Milestone, RenewalDecision, tab_url
from .services import ACHIEVED_KIND

KINDS = (
    ReminderKind(
        ACHIEVED_KIND,
        "Milestone achieved",
        "A success to celebrate: to the partnership's managers and executive sponsor.",
    ),
)
# A success more than a week old is no longer news.
NEWS_DAYS = 7
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _milestone_link():
    tab = link("partnerships:tab", fixed={"tab": "relationship"}, partnership_pk="partnership_id")
    return text(tab, "#milestone-", Cast("pk", CharField()))


def achieved_due(window: DueWindow):
    """The safety net behind the notice ``services.milestone_achieve`` writes at once: the same
    key, so the sweep adds nothing when that notice exists."""
    rows = Milestone.objects.filter(
        achieved_on__gte=window.earliest - datetime.timedelta(days=NEWS_DAYS)
    ).exclude(partnership__stage=Stage.ENDED)
    not_the_recorder = Q(achieved_by__isnull=True) | ~Q(recipient=F("achieved_by"))
    common = {
        "kind": ACHIEVED_KIND,
        "subject_key": key("milestone:", "pk", ":achieved"),
        "due_on": "achieved_on",
        "remind_on": F("achieved_on"),
        "last_day": add_days("achieved_on", NEWS_DAYS),
        "recipient": "recipient",
        "url": _milestone_link(),
        "title": text("Milestone achieved: ", F("title"), " (", F("partnership__name"), ")"),
    }
    for who in ("partnership__managers", "partnership__executive_sponsor"):
        yield shape(rows.annotate(recipient=F(who)).filter(not_the_recorder), **common)


def calendar_events(user, start: datetime.date, end: datetime.date) -> list[CalendarEvent]:
    rows = (
        Milestone.objects.planned()
        .filter(
            target_date__range=(start, end),
            partnership__in=visible_partnerships(user).exclude(stage=Stage.ENDED).values("pk"),
        )
        .values_list("pk", "partnership_id", "partnership__name", "title", "target_date")
    )
    return [
        CalendarEvent(
            uid=f"milestone-{pk}-target-{day:%Y%m%d}",
            start=day,
            summary=f"Milestone: {title} ({name})",
            url=tab_url(partnership_pk, f"milestone-{pk}"),
            description=f"Target date of the milestone “{title}” of “{name}”.",
            categories=("Milestone",),
        )
        for pk, partnership_pk, name, title, day in rows
    ]


def successes_digest(user, today: datetime.date) -> list[DigestItem]:
    rows = (
        Milestone.objects.achieved()
        .filter(
            achieved_on__gt=today - datetime.timedelta(days=NEWS_DAYS),
            partnership__in=visible_partnerships(user).values("pk"),
        )
        .order_by("-achieved_on", "-pk")
        .values_list("pk", "partnership_id", "partnership__name", "title", "achieved_on")[:25]
    )
    return [
        DigestItem(
            title=f"{title} · {name}",
            url=tab_url(partnership_pk, f"milestone-{pk}"),
            detail=f"Achieved on {day:%-d %b %Y}",
            date=day,
        )
        for pk, partnership_pk, name, title, day in rows
    ]


def renewals_digest(user, today: datetime.date) -> list[DigestItem]:
    """Partnerships in `renewing` with no decision since they entered it."""
    entered = Coalesce(
        Subquery(
            Transition.objects.filter(partnership=OuterRef("pk"), to_stage=Stage.RENEWING)
            .order_by("-at")
            .values("at")[:1]
        ),
        Value(EPOCH),
    )
    decided = RenewalDecision.objects.filter(
        partnership=OuterRef("pk"), decided_at__gte=OuterRef("entered")
    )
    rows = (
        visible_partnerships(user)
        .filter(stage=Stage.RENEWING)
        .annotate(entered=entered)
        .exclude(Exists(decided))
        .order_by("entered", "name")
        .values_list("pk", "name", "entered")[:25]
    )
    return [
        DigestItem(
            title=name,
            url=tab_url(pk, "renewal"),
            detail=f"Renewing since {at:%-d %b %Y}: no decision yet"
            if at > EPOCH
            else "No decision yet",
            date=at.date() if at > EPOCH else None,
        )
        for pk, name, at in rows
    ]


def register() -> None:
    register_source(
        ReminderSource("planning", KINDS, achieved_due, send_at=lambda: datetime.time(0, 0))
    )
    register_calendar_source("planning", calendar_events)
    register_digest_section(
        DigestSection(
            "renewals_to_decide",
            "Renewals waiting for a decision",
            35,
            renewals_digest,
            empty_text="No partnership is waiting for a renewal decision.",
        )
    )
    register_digest_section(
        DigestSection(
            "successes",
            "Successes this week",
            60,
            successes_digest,
            empty_text="No milestone was achieved this week.",
        )
    )
