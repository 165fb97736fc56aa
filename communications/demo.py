"""Demo history for the live demo partnerships: months of check-ins (most on time, some late, one
missed), action items on both sides, concerns (answered, open, one escalated) and a discussion.

Idempotent: a partnership that already has check-ins is left alone."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from partnerships.models import Activity, Partnership, Stage

from .models import (
    ActionItem,
    ActionStatus,
    CheckIn,
    Concern,
    DueDate,
    Escalation,
    Kind,
    Outcome,
    Party,
    Reply,
    Thread,
    Timeliness,
    Vote,
)
from .services import _who, ladder_of, target_hours

SLOTS = 8
# Per slot, newest first: days after the due date it was held (None: missed).
PATTERN = [-1, 0, 3, None, -2, 0, 1, -1, 5, 0, None]
KINDS = [Kind.CALL, Kind.MEETING, Kind.CALL, Kind.EMAIL, Kind.SITE_VISIT, Kind.CALL, Kind.MEETING]
SENTIMENTS = [4, 4, 3, 2, 4, 5, 3, 4]
SUMMARIES = [
    ("Volumes are tracking 6% above forecast; agreed to review capacity for the peak season.",
     ["volumes", "capacity"]),
    ("Walked through the service-level report. Two late deliveries traced to a carrier change.",
     ["service levels", "carriers"]),
    ("Pricing for next year discussed; they will send a proposal with indexation options.",
     ["pricing"]),
    ("Joint roadmap session: integration of the returns portal moves to Q3.",
     ["roadmap", "integration"]),
    ("Quarterly numbers reviewed with both sponsors; relationship healthy, reporting to improve.",
     ["business review", "reporting"]),
    ("Kick-off of the new region: contacts exchanged, weekly stand-up agreed.",
     ["expansion"]),
    ("Escalation from last month closed; root cause was a forecast that was not shared.",
     ["forecasts", "quality"]),
    ("Onboarding of their new account lead; handed over open items.", ["people"]),
]  # fmt: skip
ACTIONS = [
    ("Send the updated 6-month forecast", Party.US, 5),
    ("Share the carrier incident report", Party.PARTNER, 3),
    ("Propose two dates for the site visit", Party.US, -4),
    ("Confirm peak-season staffing plan", Party.PARTNER, 10),
]


def seed(stdout) -> None:
    coo = User.objects.filter(email="coo@accord.example").first()
    if coo is None:
        return
    partnerships = (
        Partnership.objects.filter(stage__in=[Stage.ACTIVE, Stage.RENEWING])
        .exclude(check_in_cadence__isnull=True)
        .exclude(next_check_in_due__isnull=True)
        .select_related("check_in_cadence", "organization", "executive_sponsor")
        .prefetch_related("managers", "organization__contacts")
        .order_by("name")
    )
    made = 0
    for index, partnership in enumerate(partnerships):
        if partnership.check_ins.exists():
            continue
        with transaction.atomic():
            _seed(partnership, coo, index)
        made += 1
    if made:
        stdout.write(f"Demo communication: {made} partnerships given a history of check-ins.")


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _activity(partnership, kind: str, summary: str, actor, when, url: str = "") -> None:
    row = Activity.objects.create(
        partnership=partnership, kind=kind, summary=summary[:300], actor=actor, url=url
    )
    Activity.objects.filter(pk=row.pk).update(at=when)  # a history, not today's news


def _seed(partnership: Partnership, coo: User, index: int) -> None:
    today = timezone.localdate()
    cadence = partnership.check_in_cadence
    manager = next(iter(partnership.managers.all()), coo)
    contacts = list(partnership.organization.contacts.all()) if partnership.organization else []
    due = partnership.next_check_in_due
    slots = []
    for _ in range(SLOTS):
        due = due - cadence.step
        slots.append(due)
    check_ins = []
    for k, slot in enumerate(slots):
        if slot > today:
            continue  # not due yet
        offset = PATTERN[(k + index * 3) % len(PATTERN)]
        if offset is None and k > 0:
            DueDate.objects.create(partnership=partnership, due_on=slot, outcome=Outcome.MISSED)
            continue
        if offset is None or slot + datetime.timedelta(days=offset) > today:
            offset = 0  # the latest due date: held on the day, never in the future
        held = slot + datetime.timedelta(days=offset)
        summary, topics = SUMMARIES[(k + index) % len(SUMMARIES)]
        timeliness = Timeliness.ON_TIME if offset <= 0 else Timeliness.LATE
        check_in = CheckIn.objects.create(
            partnership=partnership,
            held_on=held,
            kind=KINDS[k % len(KINDS)],
            summary=summary,
            sentiment=SENTIMENTS[(k + index) % len(SENTIMENTS)],
            topics=topics,
            shared=k % 2 == 0,
            due_on=slot,
            timeliness=timeliness,
            logged_by=manager,
        )
        check_in.attendees.set([manager])
        check_in.partner_attendees.set(contacts[:1])
        DueDate.objects.create(
            partnership=partnership, due_on=slot, outcome=timeliness, check_in=check_in
        )
        _activity(
            partnership,
            "check_in",
            f"Check-in logged: {check_in.get_kind_display().lower()} on {held:%-d %b %Y} "
            f"({check_in.get_timeliness_display().lower()}), sentiment {check_in.sentiment}/5",
            manager,
            _at(held, 17),
            check_in.get_absolute_url(),
        )
        check_ins.append(check_in)
    _actions(partnership, check_ins[:2], manager, contacts, today)
    _concerns(partnership, manager, coo, index, today)
    _discussion(partnership, manager, coo, today)


def _actions(partnership, recent: list[CheckIn], manager, contacts, today) -> None:
    for n, check_in in enumerate(recent):
        for title, party, days in ACTIONS[n * 2 : n * 2 + 2]:
            if party == Party.PARTNER and not contacts:
                continue
            older = n == 1
            item = ActionItem.objects.create(
                partnership=partnership,
                check_in=check_in,
                title=title,
                party=party,
                owner=manager if party == Party.US else None,
                owner_contact=contacts[0] if party == Party.PARTNER else None,
                due_on=check_in.held_on + datetime.timedelta(days=7 + days),
                status=ActionStatus.DONE if older and party == Party.PARTNER else ActionStatus.OPEN,
                completed_at=_at(today) if older and party == Party.PARTNER else None,
                created_by=manager,
            )
            _activity(
                partnership,
                "action_item",
                f"Action item for {item.owner_name}: {item.title}",
                manager,
                _at(check_in.held_on, 17),
                item.get_absolute_url(),
            )


def _concern(partnership, manager, *, title, severity, party, days_ago, answered_after=None,
             resolved_after=None, resolution="", description="") -> Concern:  # fmt: skip
    raised = timezone.now() - datetime.timedelta(days=days_ago)
    respond, resolve = target_hours(severity)
    concern = Concern.objects.create(
        partnership=partnership,
        title=title,
        description=description,
        kind="dispute" if severity == "high" else "issue",
        raised_by=party,
        severity=severity,
        owner=manager,
        raised_at=raised,
        respond_by=raised + datetime.timedelta(hours=respond),
        resolve_by=raised + datetime.timedelta(hours=resolve),
        acknowledged_at=raised + datetime.timedelta(hours=answered_after)
        if answered_after is not None
        else None,
        resolved_at=raised + datetime.timedelta(hours=resolved_after) if resolved_after else None,
        resolution=resolution,
        created_by=manager,
    )
    who = "the partner" if party == Party.PARTNER else "us"
    _activity(
        partnership,
        "concern",
        f"{concern.get_severity_display()} {concern.get_kind_display().lower()} raised by {who}: "
        f"{title}",
        manager,
        raised,
        concern.get_absolute_url(),
    )
    return concern


def _concerns(partnership, manager, coo, index: int, today) -> None:
    _concern(
        partnership, manager, title="Invoices sent to the wrong cost centre", severity="medium",
        party=Party.PARTNER, days_ago=40, answered_after=20, resolved_after=150,
        resolution="Billing address corrected in both systems; credit note issued.",
    )  # fmt: skip
    _concern(
        partnership, manager, title="Monthly report arrives after the 5th", severity="low",
        party=Party.US, days_ago=3, answered_after=30,
        description="Two months running the report came on the 8th and 9th.",
    )  # fmt: skip
    if index % 2 == 0:
        late = _concern(
            partnership, manager, title="Missed delivery window at the Leipzig hub",
            severity="high", party=Party.PARTNER, days_ago=2,
            description="Three trucks missed their slots on Monday; the partner asks for a "
            "root-cause analysis and compensation.",
        )  # fmt: skip
        ladder = ladder_of(partnership)
        if ladder:
            step = ladder[0]
            at = late.respond_by + datetime.timedelta(minutes=5)
            Escalation.objects.create(
                concern=late,
                level=1,
                step=step,
                at=at,
                who=_who(step),
                notify=step.our_person or partnership.executive_sponsor,
                by=None,
            )
            late.escalation_level = 1
            late.save(update_fields=["escalation_level"])
            _activity(
                partnership,
                "escalation",
                f"Concern escalated to level 1 ({step.get_mechanism_display()}), automatically: "
                f"its target passed: {late.title}",
                None,
                at,
                late.get_absolute_url(),
            )


def _discussion(partnership, manager, coo, today) -> None:
    now = timezone.now()
    idea = Thread.objects.create(
        partnership=partnership,
        title="Idea: a shared dashboard of service levels",
        body="What if both teams looked at **one** dashboard instead of monthly PDFs?\n\n"
        "- live volumes\n- on-time rate\n- open issues",
        is_idea=True,
        author=manager,
        created_at=now - datetime.timedelta(days=12),
        last_activity_at=now - datetime.timedelta(days=10),
    )
    Reply.objects.create(
        thread=idea,
        body=f"Good idea, @[{manager.full_name}]. Let's cost it before the next review.",
        author=coo,
        created_at=now - datetime.timedelta(days=10),
    )
    Vote.objects.create(thread=idea, user=coo)
    Vote.objects.create(thread=idea, user=manager)
    _activity(
        partnership, "discussion", f"Idea started: {idea.title}", manager,
        idea.created_at, idea.get_absolute_url(),
    )  # fmt: skip
