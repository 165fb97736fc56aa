"""What communications tells the reminders engine (see reminders/registry.py): action items due
tomorrow and overdue, to their owner; concerns past their response target, to their owner (the
partnership's managers if nobody owns it) and, once escalated, to the person at that level of the
agreement's ladder; @mentions in discussions. Ended partnerships get none."""

import datetime

from django.db.models import CharField, DateField, F
from django.db.models.functions import Cast

from reminders.registry import DueWindow, ReminderKind, ReminderSource, register_source
from reminders.sources import key, link, on_day, shape, text

from .models import ActionItem, Concern, Escalation, Mention
from .services import escalate_overdue_concerns

ACTION_KINDS = (
    ReminderKind("action.due_soon", "Action item due tomorrow", "To its owner."),
    ReminderKind("action.overdue", "Action item overdue", "To its owner, the day after."),
)
CONCERN_KINDS = (
    ReminderKind(
        "concern.overdue",
        "Concern past its response target",
        "To its owner, or the partnership's managers.",
    ),
    ReminderKind(
        "concern.escalated", "Concern escalated to you", "When it reaches your level of the ladder."
    ),
)
MENTION_KINDS = (ReminderKind("discussion.mention", "Mentioned in a discussion"),)


def action_reminders_due(window: DueWindow):
    rows = ActionItem.objects.open().filter(owner__isnull=False, due_on__isnull=False)
    rows = rows.exclude(partnership__stage="ended")
    common = {
        "subject_key": key("action:", "pk"),
        "recipient": "owner",
        "url": link("communications:action_edit", partnership_pk="partnership_id", action_pk="pk"),
    }
    yield on_day(
        rows,
        "due_on",
        window,
        kind="action.due_soon",
        days_after=-1,
        until_days_after=0,
        title=text("Action item due tomorrow: ", F("title")),
        **common,
    )
    yield on_day(
        rows,
        "due_on",
        window,
        kind="action.overdue",
        days_after=1,
        title=text("Action item overdue: ", F("title")),
        **common,
    )


def _day(field: str):
    return Cast(field, DateField())


def concern_reminders_due(window: DueWindow):
    # First record what the clock says: concerns past their target go one level up the ladder.
    escalate_overdue_concerns(now=window.now)
    live = Concern.objects.open().exclude(partnership__stage="ended")
    url = link("communications:concern", partnership_pk="partnership_id", concern_pk="pk")
    for stage, target, rows in (
        ("response", "respond_by", live.filter(acknowledged_at__isnull=True)),
        ("resolution", "resolve_by", live.filter(acknowledged_at__isnull=False)),
    ):
        rows = rows.filter(**{f"{target}__lte": window.now})
        title = text(f"Concern past its {stage} target: ", F("title"))
        for recipient, subset in (
            ("owner", rows.filter(owner__isnull=False)),
            ("partnership__managers", rows.filter(owner__isnull=True)),
        ):
            yield shape(
                subset,
                kind="concern.overdue",
                subject_key=key("concern:", "pk", f":{stage}"),
                due_on=_day(target),
                remind_on=_day(target),
                last_day=None,
                recipient=recipient,
                url=url,
                title=title,
            )
    escalations = Escalation.objects.filter(
        concern__resolved_at__isnull=True, notify__isnull=False
    ).exclude(concern__partnership__stage="ended")
    yield shape(
        escalations,
        kind="concern.escalated",
        subject_key=text(
            "concern:",
            Cast("concern_id", CharField()),
            ":level:",
            Cast("level", CharField()),
        ),
        due_on=_day("at"),
        remind_on=_day("at"),
        last_day=None,
        recipient="notify_id",
        url=link(
            "communications:concern",
            partnership_pk="concern__partnership_id",
            concern_pk="concern_id",
        ),
        title=text("Concern escalated to you: ", F("concern__title")),
    )


def mention_reminders_due(window: DueWindow):
    """The safety net behind the notice a post writes at once (``services._notify_mentions``):
    the same key, so the sweep adds nothing when that notice exists."""
    since = window.earliest - datetime.timedelta(days=2)
    rows = Mention.objects.filter(created_on__gte=since).exclude(thread__partnership__stage="ended")
    for with_reply, subset in (
        (False, rows.filter(reply__isnull=True)),
        (True, rows.filter(reply__isnull=False)),
    ):
        yield shape(
            subset,
            kind="discussion.mention",
            subject_key=(
                text(
                    "thread:",
                    Cast("thread_id", CharField()),
                    ":reply:",
                    Cast("reply_id", CharField()),
                )
                if with_reply
                else key("thread:", "thread_id", ":post")
            ),
            due_on="created_on",
            remind_on=F("created_on"),
            last_day=None,
            recipient="user_id",
            url=link(
                "communications:thread",
                partnership_pk="thread__partnership_id",
                thread_pk="thread_id",
            ),
            title=text("You were mentioned in “", F("thread__title"), "”"),
        )


def _at_once() -> datetime.time:
    # Concern clocks run in hours, and a mention is news now: these go out at the first sweep
    # after they are due rather than at the daily reminder time.
    return datetime.time(0, 0)


def register() -> None:
    register_source(ReminderSource("communications.actions", ACTION_KINDS, action_reminders_due))
    register_source(
        ReminderSource(
            "communications.concerns", CONCERN_KINDS, concern_reminders_due, send_at=_at_once
        )
    )
    register_source(
        ReminderSource(
            "communications.mentions", MENTION_KINDS, mention_reminders_due, send_at=_at_once
        )
    )
