"""Rules that change check-ins, action items, concerns and discussions. Views, tasks, the reminder
sweep, tests and demo data all go through here."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.text import Truncator

from agreements.models import EscalationStep
from agreements.selectors import in_force_of
from partnerships import access
from partnerships.models import Contact, Partnership, Stage
from partnerships.services import record_activity
from reminders.models import Cadence
from reminders.services import notify_now
from webhooks import events as webhooks

from . import markup
from .models import (
    DEFAULT_TARGETS,
    ActionComment,
    ActionItem,
    ActionStatus,
    CheckIn,
    Concern,
    DueDate,
    DueDateProposal,
    Escalation,
    Mention,
    Outcome,
    Party,
    ProposalStatus,
    Reply,
    ResponseTarget,
    Thread,
    Timeliness,
    Vote,
    past_target,
)

COMPLIANCE_WINDOW = 12


def _refuse_if_ended(partnership: Partnership) -> None:
    if partnership.stage == Stage.ENDED:
        raise ValidationError("This partnership has ended: nothing new can be logged on it.")


def _locked(partnership: Partnership) -> Partnership:
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("check_in_cadence")
        .get(pk=partnership.pk)
    )


# Due dates and cadence compliance ----------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """What logging a check-in held on some day does to the partnership's due dates."""

    missed: list[datetime.date]
    answered: datetime.date | None
    timeliness: str
    next_due: datetime.date | None


def settle(
    *,
    due: datetime.date | None,
    cadence: Cadence | None,
    held_on: datetime.date,
    last_held_on: datetime.date | None = None,
) -> Settlement:
    """The on-time rule, kept simple on purpose:

    - a check-in held on or before the due date it answers is **on time**;
    - held after its due date, but before the due date after it, it is **late**;
    - a due date that passed with no check-in before the next due date is **missed**.

    The next due date is one cadence period after the check-in (month ends clamp, so 31 Jan +
    1 month is 28 or 29 Feb). A partnership without a cadence or a due date has no schedule: its
    check-ins are "not scheduled" and move nothing. Neither does a check-in entered afterwards
    for a day before the last one logged: the schedule has already moved past it.
    """
    if cadence is None or due is None:
        return Settlement([], None, Timeliness.EXTRA, due)
    if last_held_on is not None and held_on < last_held_on:
        return Settlement([], None, Timeliness.EXTRA, due)
    missed = []
    while cadence.next_due(due) <= held_on:
        missed.append(due)
        due = cadence.next_due(due)
    timeliness = Timeliness.ON_TIME if held_on <= due else Timeliness.LATE
    return Settlement(missed, due, timeliness, cadence.next_due(held_on))


@dataclass(frozen=True)
class Compliance:
    on_time: int
    late: int
    missed: int
    outcomes: list[tuple[datetime.date, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def share(self) -> float | None:
        return self.on_time / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        return round(self.share * 100) if self.total else None


def missed_due_dates(partnership: Partnership, today: datetime.date) -> list[datetime.date]:
    """Due dates that passed with no check-in before the next one came, newest first (at most
    the compliance window): they count as missed although nobody has logged anything yet."""
    cadence, due = partnership.check_in_cadence, partnership.next_check_in_due
    missed: list[datetime.date] = []
    if cadence is None or due is None or partnership.stage == Stage.ENDED:
        return missed
    while cadence.next_due(due) <= today and len(missed) < COMPLIANCE_WINDOW:
        missed.append(due)
        due = cadence.next_due(due)
    missed.reverse()
    return missed


def compliance(partnership: Partnership, today: datetime.date | None = None) -> Compliance:
    """Share of the last 12 due dates answered on time. Due dates missed since the last
    check-in count too, although nobody has logged anything yet: silence is not compliance."""
    today = today or timezone.localdate()
    outcomes = [(due, Outcome.MISSED) for due in missed_due_dates(partnership, today)]
    recorded = DueDate.objects.filter(partnership=partnership).values_list("due_on", "outcome")
    outcomes += list(recorded[: COMPLIANCE_WINDOW - len(outcomes)])
    counts = {o: sum(1 for _, x in outcomes if x == o) for o in Outcome.values}
    return Compliance(
        on_time=counts[Outcome.ON_TIME],
        late=counts[Outcome.LATE],
        missed=counts[Outcome.MISSED],
        outcomes=outcomes,
    )


# Check-ins ---------------------------------------------------------------------------------------


@dataclass
class NewAction:
    title: str
    owner: object | None = None
    owner_contact: Contact | None = None
    due_on: datetime.date | None = None


@dataclass
class NewConcern:
    title: str
    severity: str
    raised_by: str
    kind: str = "issue"
    description: str = ""
    owner: object | None = None


@transaction.atomic
def check_in_log(
    *,
    partnership: Partnership,
    by,
    held_on: datetime.date,
    kind: str,
    summary: str,
    sentiment: int,
    topics: Sequence[str] = (),
    attendees: Iterable = (),
    partner_attendees: Iterable[Contact] = (),
    shared: bool = False,
    close_actions: Iterable[ActionItem] = (),
    new_actions: Iterable[NewAction] = (),
    concern: NewConcern | None = None,
) -> CheckIn:
    """Log a check-in: it answers the due date it falls on, moves the next one by the cadence,
    records due dates missed on the way, closes the action items ticked off, and opens new
    action items and a concern raised in it. All or nothing."""
    _refuse_if_ended(partnership)
    if held_on is None:
        raise ValidationError({"held_on": "Give the date the check-in was held."})
    locked = _locked(partnership)
    last_held_on = (
        CheckIn.objects.filter(partnership=locked)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    result = settle(
        due=locked.next_check_in_due,
        cadence=locked.check_in_cadence,
        held_on=held_on,
        last_held_on=last_held_on,
    )
    check_in = CheckIn(
        partnership=locked,
        held_on=held_on,
        kind=kind,
        summary=(summary or "").strip(),
        sentiment=sentiment,
        topics=_topics(topics),
        shared=shared,
        due_on=result.answered,
        timeliness=result.timeliness,
        logged_by=by,
    )
    check_in.full_clean()
    contacts = list(partner_attendees)
    foreign = [c for c in contacts if c.organization_id != locked.organization_id]
    if foreign:
        raise ValidationError({"partner_attendees": "Choose contacts of this partner only."})
    check_in.save()
    check_in.attendees.set(list(attendees))
    check_in.partner_attendees.set(contacts)

    if result.answered is not None:
        for day in result.missed:
            DueDate.objects.get_or_create(
                partnership=locked, due_on=day, defaults={"outcome": Outcome.MISSED}
            )
        DueDate.objects.get_or_create(
            partnership=locked,
            due_on=result.answered,
            defaults={"outcome": result.timeliness, "check_in": check_in},
        )
        locked.next_check_in_due = result.next_due
        locked.save(update_fields=["next_check_in_due", "updated_at"])
        partnership.next_check_in_due = result.next_due

    for item in close_actions:
        if item.partnership_id == locked.pk and item.status == ActionStatus.OPEN:
            action_close(action=item, by=by, status=ActionStatus.DONE)
    label = check_in.get_kind_display().lower()
    timing = {
        Timeliness.ON_TIME: " (on time)",
        Timeliness.LATE: " (late)",
    }.get(result.timeliness, "")
    summary = f"Check-in logged: {label} on {held_on:%-d %b %Y}{timing}, sentiment {sentiment}/5"
    record_activity(
        partnership=locked,
        kind="check_in",
        summary=summary,
        actor=by,
        url=check_in.get_absolute_url(),
    )
    webhooks.emit(
        webhooks.EventType.CHECK_IN_LOGGED,
        partnership=locked,
        data={
            "check_in": {
                "id": check_in.pk,
                "kind": check_in.kind,
                "held_on": held_on,
                "due_on": check_in.due_on,
                "timeliness": check_in.timeliness,
                "sentiment": sentiment,
                "shared": check_in.shared,
            },
            "next_check_in_due": locked.next_check_in_due,
        },
        url=check_in.get_absolute_url(),
        summary=summary,
        by=by,
    )
    for new in new_actions:
        action_create(
            partnership=locked,
            by=by,
            title=new.title,
            owner=new.owner,
            owner_contact=new.owner_contact,
            due_on=new.due_on,
            check_in=check_in,
        )
    if concern is not None:
        concern_raise(
            partnership=locked,
            by=by,
            title=concern.title,
            severity=concern.severity,
            raised_by=concern.raised_by,
            kind=concern.kind,
            description=concern.description,
            owner=concern.owner,
            check_in=check_in,
        )
    return check_in


def _topics(topics: Sequence[str] | str) -> list[str]:
    if isinstance(topics, str):
        topics = topics.split(",")
    seen: list[str] = []
    for topic in topics:
        topic = topic.strip()[:60]
        if topic and topic.lower() not in {t.lower() for t in seen}:
            seen.append(topic)
    return seen[:12]


@transaction.atomic
def check_in_set_shared(*, check_in: CheckIn, by, shared: bool) -> CheckIn:
    check_in.shared = shared
    check_in.save(update_fields=["shared"])
    return check_in


# Action items ------------------------------------------------------------------------------------


def _check_owner(partnership: Partnership, owner, owner_contact) -> None:
    # Said in words, because a manager picks owners from a list and would not know why.
    if owner is not None and owner_contact is not None:
        raise ValidationError({"owner": "Name one owner: one of ours, or a partner contact."})
    if owner is None and owner_contact is None:
        raise ValidationError({"owner": "Say who owns it: one of ours, or a partner contact."})
    if owner is not None and not access.can_see(owner, partnership):
        raise ValidationError(
            {"owner": f"{owner} cannot see this partnership: choose one of its managers or an "
             "executive, or ask an executive to add them as a manager."}
        )  # fmt: skip
    if owner_contact is not None and owner_contact.organization_id != partnership.organization_id:
        raise ValidationError({"owner": "Choose a contact of this partner."})


@transaction.atomic
def action_create(
    *,
    partnership: Partnership,
    by,
    title: str,
    owner=None,
    owner_contact: Contact | None = None,
    due_on: datetime.date | None = None,
    check_in: CheckIn | None = None,
) -> ActionItem:
    _refuse_if_ended(partnership)
    _check_owner(partnership, owner, owner_contact)
    item = ActionItem(
        partnership=partnership,
        check_in=check_in,
        title=(title or "").strip(),
        party=Party.US if owner is not None else Party.PARTNER,
        owner=owner,
        owner_contact=owner_contact,
        due_on=due_on,
        created_by=by,
    )
    item.full_clean()
    item.save()
    due = f", due {due_on:%-d %b %Y}" if due_on else ""
    record_activity(
        partnership=partnership,
        kind="action_item",
        summary=f"Action item for {item.owner_name}: {item.title}{due}",
        actor=by,
        url=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def action_update(
    *,
    action: ActionItem,
    by,
    title: str,
    owner=None,
    owner_contact: Contact | None = None,
    due_on: datetime.date | None = None,
) -> ActionItem:
    _refuse_if_ended(action.partnership)
    _check_owner(action.partnership, owner, owner_contact)
    action.title = (title or "").strip()
    action.owner = owner
    action.owner_contact = owner_contact
    action.party = Party.US if owner is not None else Party.PARTNER
    action.due_on = due_on
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_close(*, action: ActionItem, by, status: str = ActionStatus.DONE) -> ActionItem:
    if status not in (ActionStatus.DONE, ActionStatus.CANCELLED):
        raise ValidationError("An action item closes as done or cancelled.")
    updated = ActionItem.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
        status=status, completed_at=timezone.now()
    )
    action.refresh_from_db()
    if updated:
        verb = "done" if status == ActionStatus.DONE else "cancelled"
        record_activity(
            partnership=action.partnership,
            kind="action_item",
            summary=f"Action item {verb}: {action.title}",
            actor=by,
            url=action.get_absolute_url(),
        )
    return action


@transaction.atomic
def action_reopen(*, action: ActionItem, by) -> ActionItem:
    _refuse_if_ended(action.partnership)
    ActionItem.objects.filter(pk=action.pk).exclude(status=ActionStatus.OPEN).update(
        status=ActionStatus.OPEN, completed_at=None
    )
    action.refresh_from_db()
    return action


# The partner's part in action items: comments and due-date proposals ----------------------------

PROPOSAL_HORIZON_YEARS = 5


def who(user) -> str:
    """How the timeline and notices name someone: a partner contact with their organisation."""
    contact = getattr(user, "partner_contact", None) if user.is_partner_contact else None
    return f"{user} of {contact.organization.name}" if contact else str(user)


def _may_take_part(action: ActionItem, by) -> None:
    """Our people who see the partnership; of the partner's, only the action item's owner, while
    they are invited to the partnership."""
    if by.is_partner_contact:
        owns = action.party == Party.PARTNER and action.owner_contact.user_id == by.pk
        invited = access.portal_partnerships(by).filter(pk=action.partnership_id).exists()
        if not (owns and invited):
            raise PermissionDenied("This action item is not yours.")
    else:
        access.require_visible(by, action.partnership, "You cannot see this action item.")


@transaction.atomic
def action_comment(*, action: ActionItem, by, body: str) -> ActionComment:
    _refuse_if_ended(action.partnership)
    _may_take_part(action, by)
    comment = ActionComment(action=action, body=(body or "").strip(), author=by)
    comment.full_clean()
    comment.save()
    record_activity(
        partnership=action.partnership,
        kind="action_item",
        summary=f"{who(by)} commented on “{action.title}”: {Truncator(comment.body).chars(120)}",
        actor=by,
        url=action.get_absolute_url(),
    )
    return comment


def proposal_problem(
    proposed_on: datetime.date | None, due_on: datetime.date | None, today: datetime.date
) -> str:
    """Why a proposed due date cannot be, in words; "" when it can."""
    if proposed_on is None:
        return "Give the new due date you propose."
    if proposed_on < today:
        return f"Propose a date from today ({today:%-d %b %Y}) on."
    if proposed_on > today + relativedelta(years=PROPOSAL_HORIZON_YEARS):
        return f"Propose a date within the next {PROPOSAL_HORIZON_YEARS} years."
    if proposed_on == due_on:
        return f"It is already due on {due_on:%-d %b %Y}."
    return ""


@transaction.atomic
def action_propose_due_date(
    *, action: ActionItem, by, proposed_on: datetime.date | None, reason: str = ""
) -> DueDateProposal:
    """The partner owner asks for a new due date. Nothing moves until one of ours accepts; a
    proposal still waiting is replaced by the new one."""
    _refuse_if_ended(action.partnership)
    if not by.is_partner_contact:
        raise PermissionDenied("Our own people change the due date on the action item itself.")
    _may_take_part(action, by)
    locked = ActionItem.objects.select_for_update().get(pk=action.pk)
    if locked.status != ActionStatus.OPEN:
        raise ValidationError(f"“{locked.title}” is closed: there is no due date to move.")
    if problem := proposal_problem(proposed_on, locked.due_on, timezone.localdate()):
        raise ValidationError({"proposed_on": problem})
    DueDateProposal.objects.filter(action=locked, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.WITHDRAWN
    )
    proposal = DueDateProposal(
        action=locked,
        proposed_on=proposed_on,
        previous_due_on=locked.due_on,
        reason=(reason or "").strip(),
        proposed_by=by,
    )
    proposal.full_clean()
    proposal.save()
    was = f" from {locked.due_on:%-d %b %Y}" if locked.due_on else ""
    why = f" ({Truncator(proposal.reason).chars(100)})" if proposal.reason else ""
    record_activity(
        partnership=locked.partnership,
        kind="action_item",
        summary=f"{who(by)} proposed moving “{locked.title}”{was} to {proposed_on:%-d %b %Y}{why}",
        actor=by,
        url=locked.get_absolute_url(),
    )
    return proposal


@transaction.atomic
def due_date_decide(
    *, proposal: DueDateProposal, by, accept: bool, answer: str = ""
) -> DueDateProposal:
    """One of ours accepts a proposed due date (the action item's due date moves to it) or
    declines it, saying why if they like; the partner sees the answer in the portal."""
    locked = (
        DueDateProposal.objects.select_for_update(of=("self",))
        .select_related("action__partnership", "action__owner_contact", "proposed_by")
        .get(pk=proposal.pk)
    )
    action = locked.action
    access.require_visible(by, action.partnership, "You cannot answer for this partnership.")
    _refuse_if_ended(action.partnership)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(
            f"This proposal is already answered: {locked.get_status_display().lower()}."
        )
    if accept:
        if action.status != ActionStatus.OPEN:
            raise ValidationError(f"“{action.title}” is closed: its due date no longer matters.")
        if locked.proposed_on < timezone.localdate():
            raise ValidationError(
                f"{locked.proposed_on:%-d %b %Y} has passed: agree on another date with the "
                "partner, or change the due date yourself."
            )
        action_update(
            action=action,
            by=by,
            title=action.title,
            owner=action.owner,
            owner_contact=action.owner_contact,
            due_on=locked.proposed_on,
        )
    locked.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.answer = (answer or "").strip()
    locked.full_clean()
    locked.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    verb = "accepted" if accept else "declined"
    record_activity(
        partnership=action.partnership,
        kind="action_item",
        summary=f"{by} {verb} {who(locked.proposed_by)}'s new due date for “{action.title}”: "
        f"{locked.proposed_on:%-d %b %Y}",
        actor=by,
        url=action.get_absolute_url(),
    )
    proposal.status = locked.status
    return locked


# Concerns ----------------------------------------------------------------------------------------


def target_hours(severity: str) -> tuple[int, int]:
    """Hours to first response and to resolution for a severity, as administrators set them."""
    row = ResponseTarget.objects.filter(severity=severity).first()
    if row is not None:
        return row.hours_to_first_response, row.hours_to_resolution
    return DEFAULT_TARGETS[severity]


@transaction.atomic
def concern_raise(
    *,
    partnership: Partnership,
    by,
    title: str,
    severity: str,
    raised_by: str,
    kind: str = "issue",
    description: str = "",
    owner=None,
    raised_at: datetime.datetime | None = None,
    check_in: CheckIn | None = None,
) -> Concern:
    _refuse_if_ended(partnership)
    if owner is not None and not access.can_see(owner, partnership):
        raise ValidationError({"owner": f"{owner} cannot see this partnership."})
    raised_at = raised_at or timezone.now()
    if raised_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"raised_at": "A concern cannot be raised in the future."})
    errors = {}
    if severity not in DEFAULT_TARGETS:
        errors["severity"] = "Choose a severity: low, medium, high or critical."
    if errors:
        raise ValidationError(errors)
    respond, resolve = target_hours(severity)
    concern = Concern(
        partnership=partnership,
        check_in=check_in,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        raised_by=raised_by,
        severity=severity,
        owner=owner,
        raised_at=raised_at,
        respond_by=raised_at + datetime.timedelta(hours=respond),
        resolve_by=raised_at + datetime.timedelta(hours=resolve),
        created_by=by,
    )
    concern.full_clean()
    concern.save()
    party = "the partner" if raised_by == Party.PARTNER else "us"
    summary = (
        f"{concern.get_severity_display()} {concern.get_kind_display().lower()} raised "
        f"by {party}: {concern.title}"
    )
    record_activity(
        partnership=partnership,
        kind="concern",
        summary=summary,
        actor=by,
        url=concern.get_absolute_url(),
    )
    _emit_concern(webhooks.EventType.CONCERN_RAISED, concern, summary=summary, by=by)
    return concern


def _concern_data(concern: Concern) -> dict:
    return {
        "id": concern.pk,
        "title": concern.title,
        "kind": concern.kind,
        "severity": concern.severity,
        "raised_by": concern.raised_by,
        "raised_at": concern.raised_at,
        "respond_by": concern.respond_by,
        "resolve_by": concern.resolve_by,
        "escalation_level": concern.escalation_level,
        "resolved_at": concern.resolved_at,
    }


def _emit_concern(event_type: str, concern: Concern, *, summary: str, by, **data) -> None:
    webhooks.emit(
        event_type,
        partnership=concern.partnership,
        data={"concern": _concern_data(concern), **data},
        url=concern.get_absolute_url(),
        summary=summary,
        by=by,
    )


def _locked_concern(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def concern_acknowledge(*, concern: Concern, by, at: datetime.datetime | None = None) -> Concern:
    locked = _locked_concern(concern)
    if locked.resolved_at is not None:
        raise ValidationError("This concern is already resolved.")
    if locked.acknowledged_at is None:
        locked.acknowledged_at = max(at or timezone.now(), locked.raised_at)
        if locked.owner_id is None and access.can_see(by, locked.partnership):
            locked.owner = by  # whoever answers first takes it on, unless someone already has
        locked.save(update_fields=["acknowledged_at", "owner"])
        record_activity(
            partnership=locked.partnership,
            kind="concern",
            summary=f"Concern acknowledged: {locked.title}",
            actor=by,
            url=locked.get_absolute_url(),
        )
    concern.acknowledged_at, concern.owner_id = locked.acknowledged_at, locked.owner_id
    return locked


@transaction.atomic
def concern_resolve(
    *, concern: Concern, by, resolution: str, at: datetime.datetime | None = None
) -> Concern:
    locked = _locked_concern(concern)
    if locked.resolved_at is not None:
        raise ValidationError("This concern is already resolved.")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "Say how the concern was resolved before closing it."})
    at = max(at or timezone.now(), locked.raised_at)
    # Resolving answers it too: the first response is at the latest the resolution.
    locked.acknowledged_at = locked.acknowledged_at or at
    locked.resolved_at = at
    locked.resolution = resolution
    locked.full_clean()
    locked.save(update_fields=["acknowledged_at", "resolved_at", "resolution"])
    record_activity(
        partnership=locked.partnership,
        kind="concern",
        summary=f"Concern resolved: {locked.title}",
        actor=by,
        url=locked.get_absolute_url(),
    )
    _emit_concern(
        webhooks.EventType.CONCERN_RESOLVED,
        locked,
        summary=f"Concern resolved: {locked.title}",
        by=by,
    )
    return locked


def ladder_of(partnership: Partnership) -> list[EscalationStep]:
    """The dispute-resolution ladder of the agreement in force (the latest signed version)."""
    agreement = in_force_of(partnership)
    if agreement is None:
        return []
    return list(agreement.escalation_steps.select_related("our_person", "partner_person"))


def _who(step: EscalationStep) -> str:
    ours, theirs = step.our_side, step.partner_side
    return f"{step.get_mechanism_display()}: {ours or '—'} with {theirs or '—'}"


def _escalate(
    locked: Concern, *, by, note: str, at: datetime.datetime, ladder: list[EscalationStep]
) -> Escalation:
    level = locked.escalation_level + 1
    step = next((s for s in ladder if s.level == level), None)
    if step is None:
        if not ladder:
            raise ValidationError(
                "There is no dispute ladder to follow: the partnership has no signed agreement "
                "with escalation steps."
            )
        raise ValidationError(
            "The concern is already at the top of the agreement's ladder "
            f"(level {locked.escalation_level})."
        )
    escalation = Escalation(
        concern=locked,
        level=level,
        step=step,
        at=at,
        who=_who(step)[:300],
        notify=step.our_person or locked.partnership.executive_sponsor,
        by=by,
        note=(note or "").strip(),
    )
    escalation.full_clean()
    escalation.save()
    locked.escalation_level = level
    locked.save(update_fields=["escalation_level"])
    how = "by hand" if by else "automatically: its target passed"
    summary = (
        f"Concern escalated to level {level} ({step.get_mechanism_display()}), {how}: "
        f"{locked.title}"
    )
    record_activity(
        partnership=locked.partnership,
        kind="escalation",
        summary=summary,
        actor=by,
        url=locked.get_absolute_url(),
    )
    _emit_concern(
        webhooks.EventType.CONCERN_ESCALATED,
        locked,
        summary=summary,
        by=by,
        escalation={
            "level": level,
            "mechanism": step.mechanism,
            "who": escalation.who,
            "automatic": by is None,
            "at": at,
        },
    )
    return escalation


@transaction.atomic
def concern_escalate(*, concern: Concern, by, note: str = "") -> Escalation:
    """Take a concern one level up the agreement's ladder by hand."""
    locked = Concern.objects.select_for_update().select_related("partnership").get(pk=concern.pk)
    if locked.resolved_at is not None:
        raise ValidationError("This concern is resolved: there is nothing to escalate.")
    _refuse_if_ended(locked.partnership)
    escalation = _escalate(
        locked, by=by, note=note, at=timezone.now(), ladder=ladder_of(locked.partnership)
    )
    concern.escalation_level = locked.escalation_level
    return escalation


def escalate_overdue_concerns(*, now: datetime.datetime | None = None) -> list[Escalation]:
    """Escalate, one level up the ladder, every open concern whose target has passed: level 1
    when its first-response (or, once answered, its resolution) target passes; each level after
    when the level before has had its ``days_to_respond``. Safe to run twice at once: each step is
    taken under a row lock and recorded once (one escalation per concern and level)."""
    now = now or timezone.now()
    live = Concern.objects.open().exclude(partnership__stage=Stage.ENDED)
    first = live.filter(escalation_level=0).filter(past_target(now))
    candidates = list(first.values_list("pk", flat=True))
    for pk, at, days in (
        Escalation.objects.filter(concern__in=live.filter(escalation_level__gte=1))
        .filter(level=F("concern__escalation_level"))
        .values_list("concern_id", "at", "step__days_to_respond")
    ):
        if days and at + datetime.timedelta(days=days) < now:
            candidates.append(pk)
    made = []
    for pk in candidates:
        try:
            with transaction.atomic():
                locked = (
                    Concern.objects.select_for_update(of=("self",))
                    .select_related("partnership")
                    .get(pk=pk)
                )
                if locked.resolved_at is not None or not _still_due(locked, now):
                    continue
                ladder = ladder_of(locked.partnership)
                if not any(s.level == locked.escalation_level + 1 for s in ladder):
                    continue  # no ladder, or already at its top: the reminders keep going
                made.append(_escalate(locked, by=None, note="", at=now, ladder=ladder))
        except IntegrityError:
            continue  # another sweep took this step first
    return made


def _still_due(concern: Concern, now: datetime.datetime) -> bool:
    if concern.escalation_level == 0:
        target = concern.resolve_by if concern.acknowledged_at else concern.respond_by
        return target < now
    last = concern.escalations.filter(level=concern.escalation_level).select_related("step").first()
    if last is None or last.step is None:
        return False
    return last.at + datetime.timedelta(days=last.step.days_to_respond) < now


# Discussion --------------------------------------------------------------------------------------


@dataclass
class Posted:
    """A post and what became of its @mentions: who was told, and who could not be."""

    post: Thread | Reply
    notified: list = field(default_factory=list)
    not_notified: list = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _notify_mentions(
    *, thread: Thread, reply: Reply | None, body: str, by
) -> tuple[list, list, list[str]]:
    """Tell the people named with @ who can see the partnership, in the reminders app's outbox
    (the bell now, e-mail by the next sweep). Others are not told, and the author learns why."""
    partnership = thread.partnership
    # The partner's people may name only our people on the partnership: anyone else reads as
    # nobody, so a mention never tells them who else has an account.
    among = mentionable(partnership) if by.is_partner_contact else None
    users, unknown = markup.resolve_mentions(body, among=among)
    visible = {u for u in users if access.can_see(u, partnership)}
    notified = [u for u in users if u in visible and u != by]
    not_notified = [u for u in users if u not in visible]
    today = timezone.localdate()
    url = thread.get_absolute_url() + (f"#reply-{reply.pk}" if reply else "")
    for user in notified:
        Mention.objects.get_or_create(
            thread=thread, reply=reply, user=user, defaults={"by": by, "created_on": today}
        )
    # Same key as the mentions reminder source, so the sweep never adds a second notice.
    notify_now(
        kind="discussion.mention",
        subject_key=mention_key(thread.pk, reply.pk if reply else None),
        on=today,
        recipients=notified,
        url=url,
        title=f"{who(by)} mentioned you in “{thread.title}” ({partnership.name})",
    )
    return notified, not_notified, unknown


def mentionable(partnership: Partnership) -> QuerySet:
    """Our people who work on the partnership, whom its partner's people may mention in a shared
    discussion: its managers and its executive sponsor, while they may see it."""
    return access.people_who_see(partnership).filter(
        Q(managed_partnerships=partnership) | Q(pk=partnership.executive_sponsor_id)
    )


def _may_post(thread: Thread, by) -> None:
    if by.is_partner_contact and not (
        thread.shared and access.portal_partnerships(by).filter(pk=thread.partnership_id).exists()
    ):
        raise PermissionDenied("This discussion is not shared with you.")


def mention_key(thread_pk: int, reply_pk: int | None) -> str:
    return f"thread:{thread_pk}:" + (f"reply:{reply_pk}" if reply_pk else "post")


@transaction.atomic
def thread_start(
    *,
    partnership: Partnership,
    by,
    title: str,
    body: str,
    is_idea: bool = False,
    shared: bool = False,
) -> Posted:
    _refuse_if_ended(partnership)
    now = timezone.now()
    thread = Thread(
        partnership=partnership,
        title=(title or "").strip(),
        body=(body or "").strip(),
        is_idea=is_idea,
        shared=shared,
        author=by,
        created_at=now,
        last_activity_at=now,
    )
    thread.full_clean()
    thread.save()
    record_activity(
        partnership=partnership,
        kind="discussion",
        summary=f"{'Idea' if is_idea else 'Discussion'} started"
        f"{', shared with the partner' if shared else ''}: {thread.title}",
        actor=by,
        url=thread.get_absolute_url(),
    )
    notified, not_notified, unknown = _notify_mentions(
        thread=thread, reply=None, body=thread.body, by=by
    )
    return Posted(thread, notified, not_notified, unknown)


@transaction.atomic
def thread_reply(*, thread: Thread, by, body: str) -> Posted:
    _refuse_if_ended(thread.partnership)
    _may_post(thread, by)
    reply = Reply(thread=thread, body=(body or "").strip(), author=by)
    reply.full_clean()
    reply.save()
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=reply.created_at)
    if by.is_partner_contact:
        # Ours reply all day long; the partner's word is news, so the timeline has it.
        record_activity(
            partnership=thread.partnership,
            kind="discussion",
            summary=f"{who(by)} replied in “{thread.title}”: {Truncator(reply.body).chars(120)}",
            actor=by,
            url=f"{thread.get_absolute_url()}?page=last#reply-{reply.pk}",
        )
    notified, not_notified, unknown = _notify_mentions(
        thread=thread, reply=reply, body=reply.body, by=by
    )
    return Posted(reply, notified, not_notified, unknown)


@transaction.atomic
def thread_set_shared(*, thread: Thread, by, shared: bool) -> Thread:
    """Open the discussion to the partner's people in their portal (to read and reply), or
    close it to them again; votes on an idea stay ours either way."""
    _refuse_if_ended(thread.partnership)
    access.require_visible(by, thread.partnership, "You cannot change this discussion.")
    if thread.shared != shared:
        thread.shared = shared
        thread.save(update_fields=["shared"])
        record_activity(
            partnership=thread.partnership,
            kind="discussion",
            summary=f"Discussion {'shared with' if shared else 'no longer shared with'} the "
            f"partner: {thread.title}",
            actor=by,
            url=thread.get_absolute_url(),
        )
    return thread


@transaction.atomic
def idea_vote(*, thread: Thread, by, support: bool = True) -> int:
    """Support an idea (once per person), or withdraw the support; returns the number of votes."""
    if not thread.is_idea:
        raise ValidationError("Only ideas can be supported with a vote.")
    if support:
        Vote.objects.get_or_create(thread=thread, user=by)
    else:
        Vote.objects.filter(thread=thread, user=by).delete()
    return Vote.objects.filter(thread=thread).count()


# The shared summary ------------------------------------------------------------------------------


def shared_summary(partnership: Partnership) -> dict:
    check_ins = list(
        CheckIn.objects.filter(partnership=partnership, shared=True)
        .prefetch_related("attendees", "partner_attendees")
        .order_by("-held_on", "-pk")[:20]
    )
    actions = list(
        ActionItem.objects.filter(partnership=partnership)
        .open()
        .select_related("owner", "owner_contact")
        .in_order()
    )
    return {
        "check_ins": check_ins,
        "our_actions": [a for a in actions if a.party == Party.US],
        "partner_actions": [a for a in actions if a.party == Party.PARTNER],
    }


def shared_summary_send(*, partnership: Partnership, by, contacts: Sequence[Contact]) -> int:
    """E-mail the shared summary to the partner's contacts. The mail goes out first, outside any
    transaction; the send is then recorded on the timeline."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    recipients = [
        c.email for c in contacts if c.email and c.organization_id == partnership.organization_id
    ]
    if not recipients:
        raise ValidationError({"contacts": "Choose at least one partner contact with an e-mail."})
    context = {"partnership": partnership, "sender": by, **shared_summary(partnership)}
    message = EmailMultiAlternatives(
        subject=f"{partnership.name}: summary of our check-ins and open actions",
        body=render_to_string("communications/email/shared_summary.txt", context),
        to=recipients,
        reply_to=[by.email],
    )
    message.attach_alternative(
        render_to_string("communications/email/shared_summary.html", context), "text/html"
    )
    message.send()
    record_activity(
        partnership=partnership,
        kind="check_in",
        summary=f"Shared summary e-mailed to {len(recipients)} partner contact"
        f"{'' if len(recipients) == 1 else 's'}",
        actor=by,
    )
    return len(recipients)
