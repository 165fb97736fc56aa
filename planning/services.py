"""Rules that change the long-term relationship: milestones and successes, opportunities, and
the renewal. Views, tasks, seed data and tests all go through here."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import Agreement
from agreements.models import Status as AgreementStatus
from agreements.selectors import in_force_of
from communications.models import Thread
from objectives.models import Objective
from partnerships import access
from partnerships.models import Partnership, Stage, Transition
from partnerships.services import GateClosed, partnership_move, record_activity
from reminders.services import notify_now
from webhooks import events as webhooks

from .models import (
    Decision,
    Milestone,
    Opportunity,
    OpportunityStatus,
    RenewalDecision,
)

logger = logging.getLogger(__name__)

MILESTONE_PLAN_FIELDS = frozenset({"title", "description", "target_date", "objective"})
OPPORTUNITY_FIELDS = frozenset(
    {"title", "description", "estimated_value", "horizon", "status", "declined_reason", "owner"}
)
ACHIEVED_KIND = "milestone.achieved"


def _refuse_if_ended(partnership: Partnership) -> None:
    if partnership.stage == Stage.ENDED:
        raise ValidationError("This partnership has ended: its relationship plan is a record now.")


def _check_fields(fields: dict, allowed: frozenset[str], what: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown {what} fields: {', '.join(sorted(unknown))}")


def _check_objective(partnership: Partnership, objective: Objective | None) -> None:
    if objective is not None and objective.partnership_id != partnership.pk:
        raise ValidationError({"objective": "Choose an objective of this partnership."})


# Milestones ---------------------------------------------------------------------------------------


@transaction.atomic
def milestone_create(*, partnership: Partnership, by, **fields) -> Milestone:
    access.require_visible(by, partnership)
    _refuse_if_ended(partnership)
    _check_fields(fields, MILESTONE_PLAN_FIELDS, "milestone")
    milestone = Milestone(partnership=partnership, created_by=by, **fields)
    milestone.title = (milestone.title or "").strip()
    _check_objective(partnership, milestone.objective)
    milestone.full_clean()
    milestone.save()
    record_activity(
        partnership=partnership,
        kind="milestone",
        summary=f"Milestone planned: {milestone.title}"
        + (f", by {milestone.target_date:%-d %b %Y}" if milestone.target_date else ""),
        actor=by,
        url=milestone.get_absolute_url(),
    )
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, **fields) -> Milestone:
    partnership = milestone.partnership
    access.require_visible(by, partnership)
    _refuse_if_ended(partnership)
    _check_fields(fields, MILESTONE_PLAN_FIELDS, "milestone")
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.title = (milestone.title or "").strip()
    _check_objective(partnership, milestone.objective)
    milestone.full_clean()
    milestone.save()
    record_activity(
        partnership=partnership,
        kind="milestone",
        summary=f"Milestone edited: {milestone.title}",
        actor=by,
        url=milestone.get_absolute_url(),
    )
    return milestone


def _check_achievement(
    partnership: Partnership,
    achieved_on: datetime.date | None,
    evidence: str,
    value_amount: Decimal | None,
    value_unit: str,
) -> None:
    errors = {}
    if not (evidence or "").strip():
        errors["evidence"] = "Say what shows the milestone was achieved."
    if value_amount is not None and not (value_unit or "").strip():
        errors["value_unit"] = "Give the unit of the realised value."
    if value_amount is not None and value_amount < 0:
        errors["value_amount"] = "A realised value cannot be negative."
    if errors:
        raise ValidationError(errors)
    if achieved_on is None:
        raise ValidationError({"achieved_on": "Give the day it was achieved."})
    if achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": "A milestone cannot be achieved in the future."})
    if partnership.start_date and achieved_on < partnership.start_date:
        raise ValidationError(
            {
                "achieved_on": f"The partnership started on {partnership.start_date:%-d %b %Y}: "
                "a milestone of it cannot be achieved before that."
            }
        )


@transaction.atomic
def milestone_achieve(
    *,
    milestone: Milestone,
    by,
    achieved_on: datetime.date | None,
    evidence: str,
    value_amount: Decimal | None = None,
    value_unit: str = "",
    value_note: str = "",
) -> Milestone:
    """Record (or correct) that a milestone was achieved. The first time, it is a success: it
    goes on the timeline and the partnership's team is told at once, in-app, then by e-mail."""
    partnership = milestone.partnership
    access.require_visible(by, partnership)
    _refuse_if_ended(partnership)
    _check_achievement(partnership, achieved_on, evidence, value_amount, value_unit)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    first_time = milestone.achieved_on is None
    milestone.achieved_on = achieved_on
    milestone.evidence = (evidence or "").strip()
    milestone.value_amount = value_amount
    milestone.value_unit = (value_unit or "").strip() if value_amount is not None else ""
    milestone.value_note = (value_note or "").strip()
    if first_time:
        milestone.achieved_by = by
    milestone.full_clean()
    milestone.save()
    record_activity(
        partnership=partnership,
        kind="milestone",
        summary=f"Milestone achieved: {milestone.title}"
        if first_time
        else f"Achievement of “{milestone.title}” corrected",
        actor=by,
        url=milestone.get_absolute_url(),
    )
    if first_time:
        _tell_the_team(milestone, by)
        webhooks.emit(
            webhooks.EventType.MILESTONE_ACHIEVED,
            partnership=partnership,
            data={
                "milestone": {
                    "id": milestone.pk,
                    "title": milestone.title,
                    "target_date": milestone.target_date,
                    "achieved_on": milestone.achieved_on,
                    "value_amount": milestone.value_amount,
                    "value_unit": milestone.value_unit,
                }
            },
            url=milestone.get_absolute_url(),
            summary=f"Milestone achieved: {milestone.title}",
            by=by,
        )
    return milestone


def achieved_key(milestone_pk: int) -> str:
    return f"milestone:{milestone_pk}:achieved"


def team_of(partnership: Partnership, *, besides=None) -> list:
    """The partnership's managers and its executive sponsor, active, without ``besides``."""
    people = {m.pk: m for m in partnership.managers.filter(is_active=True)}
    sponsor = partnership.executive_sponsor
    if sponsor.is_active:
        people[sponsor.pk] = sponsor
    if besides is not None:
        people.pop(besides.pk, None)
    return list(people.values())


def _tell_the_team(milestone: Milestone, by) -> None:
    """An in-app notice now, in the reminders outbox (the next sweep e-mails it). Same key as the
    planning reminder source, so the sweep never adds a second one."""
    partnership = milestone.partnership
    notify_now(
        kind=ACHIEVED_KIND,
        subject_key=achieved_key(milestone.pk),
        on=milestone.achieved_on,
        recipients=team_of(partnership, besides=by),
        url=milestone.get_absolute_url(),
        title=f"Milestone achieved: {milestone.title} ({partnership.name})",
    )


class MilestoneAchieved(ValidationError):
    """An achieved milestone is a success on the record: it can be corrected, not removed."""

    def __init__(self, milestone: Milestone) -> None:
        super().__init__(
            f"“{milestone.title}” was achieved on {milestone.achieved_on:%-d %b %Y}: a success "
            "stays on the record. Correct the achievement instead."
        )


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by) -> None:
    """Remove a planned milestone. An achieved one is refused (``MilestoneAchieved``), whatever
    the page offered: the row is read again under a lock, so one achieved meanwhile counts."""
    partnership = milestone.partnership
    access.require_visible(by, partnership)
    _refuse_if_ended(partnership)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.is_achieved:
        raise MilestoneAchieved(milestone)
    title = milestone.title
    milestone.delete()
    record_activity(
        partnership=partnership, kind="milestone", summary=f"Milestone removed: {title}", actor=by
    )


# Opportunities ------------------------------------------------------------------------------------


def _check_owner(partnership: Partnership, owner) -> None:
    if owner is None:
        raise ValidationError({"owner": "Name who owns the opportunity."})
    if not access.can_see(owner, partnership):
        raise ValidationError({"owner": f"{owner} cannot see this partnership, so cannot own it."})


def _clean_opportunity(opportunity: Opportunity) -> None:
    opportunity.title = (opportunity.title or "").strip()
    opportunity.declined_reason = (opportunity.declined_reason or "").strip()
    if opportunity.status != OpportunityStatus.DECLINED:
        opportunity.declined_reason = ""  # a reopened opportunity has no reason to be declined
    elif not opportunity.declined_reason:
        raise ValidationError({"declined_reason": "Say why the opportunity was declined."})
    _check_owner(opportunity.partnership, opportunity.owner)
    opportunity.full_clean()


@transaction.atomic
def opportunity_create(*, partnership: Partnership, by, **fields) -> Opportunity:
    access.require_visible(by, partnership)
    _refuse_if_ended(partnership)
    _check_fields(fields, OPPORTUNITY_FIELDS, "opportunity")
    opportunity = Opportunity(partnership=partnership, created_by=by, **fields)
    _clean_opportunity(opportunity)
    opportunity.save()
    record_activity(
        partnership=partnership,
        kind="opportunity",
        summary=f"Opportunity added: {opportunity.title} ({opportunity.get_horizon_display()})",
        actor=by,
        url=opportunity.get_absolute_url(),
    )
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, by, **fields) -> Opportunity:
    partnership = opportunity.partnership
    access.require_visible(by, partnership)
    _refuse_if_ended(partnership)
    _check_fields(fields, OPPORTUNITY_FIELDS, "opportunity")
    before = opportunity.status
    for name, value in fields.items():
        setattr(opportunity, name, value)
    _clean_opportunity(opportunity)
    opportunity.save()
    moved = opportunity.status != before
    record_activity(
        partnership=partnership,
        kind="opportunity",
        summary=(
            f"Opportunity {opportunity.get_status_display().lower()}: {opportunity.title}"
            if moved
            else f"Opportunity edited: {opportunity.title}"
        ),
        actor=by,
        url=opportunity.get_absolute_url(),
    )
    return opportunity


@transaction.atomic
def opportunity_from_idea(*, thread: Thread, by) -> tuple[Opportunity, bool]:
    """One click: an idea from the partnership's discussion becomes an opportunity that links
    back to its thread. A second click finds the same opportunity: ``(opportunity, created)``."""
    if not thread.is_idea:
        raise ValidationError("Only a thread marked as an idea can become an opportunity.")
    existing = Opportunity.objects.filter(source_thread=thread).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            opportunity = opportunity_create(
                partnership=thread.partnership,
                by=by,
                title=thread.title[:200],
                description=thread.body,
                owner=by,
            )
            opportunity.source_thread = thread
            opportunity.save(update_fields=["source_thread"])
    except IntegrityError:  # another click made it in between
        return Opportunity.objects.get(source_thread=thread), False
    return opportunity, True


# Renewal ------------------------------------------------------------------------------------------


def renewal_terms(previous: Agreement | None, today: datetime.date) -> dict:
    """The dates of the next version: it starts when the one in force expires (or today, if that
    has passed) and runs for the same term."""
    if previous is None or previous.expiry_date is None or previous.effective_date is None:
        return {}
    start = max(previous.expiry_date, today)
    return {
        "effective_date": start,
        "expiry_date": start + (previous.expiry_date - previous.effective_date),
    }


@transaction.atomic
def renewal_decide(
    *, partnership: Partnership, by, decision: str, rationale: str
) -> RenewalDecision:
    """Renew as is or renegotiate: a new agreement version opens (a copy of the last one, with
    the next term's dates) — or, when a version is open already, the decision points to it.
    Exit: the partnership ends, with the rationale as its reason. All or nothing."""
    if not access.can_approve(by):
        raise PermissionDenied("Only an executive records the renewal decision.")
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if partnership.stage != Stage.RENEWING:
        raise ValidationError(
            f"The partnership is “{partnership.get_stage_display()}”: a renewal decision is "
            "recorded once it is “Renewing”."
        )
    rationale = (rationale or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose renew, renegotiate or exit."})
    if not rationale:
        raise ValidationError({"rationale": "Give the rationale for the decision."})
    record = RenewalDecision(
        partnership=partnership, decision=decision, rationale=rationale, decided_by=by
    )
    if decision == Decision.EXIT:
        record.full_clean()
        record.save()
        partnership_move(partnership=partnership, to_stage=Stage.ENDED, by=by, note=rationale)
    else:
        agreement = Agreement.objects.filter(partnership=partnership).open().first()
        if agreement is None:
            terms = renewal_terms(in_force_of(partnership), timezone.localdate())
            agreement = agreement_services.agreement_start(partnership=partnership, by=by, **terms)
        record.agreement = agreement
        record.full_clean()
        record.save()
    record_activity(
        partnership=partnership,
        kind="renewal",
        summary=f"Renewal decided: {record.get_decision_display().lower()}. {rationale}",
        actor=by,
        url=record.get_absolute_url(),
    )
    return record


def partnerships_at_notice(today: datetime.date):
    """Active partnerships whose signed agreement's notice deadline has arrived, and that have
    not been moved to renewing for that deadline already."""
    signed = Agreement.objects.filter(
        partnership=OuterRef("pk"), status=AgreementStatus.SIGNED
    ).order_by("-version")
    moved_since = Transition.objects.filter(
        partnership=OuterRef("pk"),
        to_stage=Stage.RENEWING,
        at__date__gte=OuterRef("notice_deadline"),
    )
    return (
        Partnership.objects.filter(stage=Stage.ACTIVE)
        .annotate(notice_deadline=Subquery(signed.values("notice_deadline")[:1]))
        .filter(notice_deadline__lte=today)
        .exclude(Exists(moved_since))
        .select_related("executive_sponsor")
    )


def open_renewals(*, today: datetime.date | None = None) -> list[Partnership]:
    """The daily move to `renewing` of partnerships that reached their notice deadline. Safe to
    run again: a partnership is moved once per deadline, and only while it is active."""
    today = today or timezone.localdate()
    moved = []
    for partnership in partnerships_at_notice(today):
        try:
            partnership_move(
                partnership=partnership,
                to_stage=Stage.RENEWING,
                by=partnership.executive_sponsor,
                note=f"The agreement's notice deadline ({partnership.notice_deadline:%-d %b %Y}) "
                "has arrived: time to decide on the renewal.",
            )
        except (GateClosed, ValidationError, PermissionDenied) as exc:
            logger.warning("Partnership %s not moved to renewing: %s", partnership.pk, exc)
            continue
        moved.append(partnership)
    return moved
