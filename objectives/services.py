"""Rules that change objectives and their alignment. Views, seed data and tests go through here."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from partnerships import access
from partnerships.models import Partnership
from partnerships.services import record_activity

from .models import Alignment, AlignmentKind, Objective, Party

OBJECTIVE_FIELDS = frozenset(
    {
        "party",
        "category",
        "title",
        "description",
        "success_measure",
        "baseline",
        "target",
        "current",
        "unit",
        "due_date",
        "owner",
        "priority",
        "status",
    }
)


def _check_owner(objective: Objective) -> None:
    owner = objective.owner
    if owner is not None and not (
        access.can_use_partnerships(owner)
        and access.visible_partnerships(owner).filter(pk=objective.partnership_id).exists()
    ):
        raise ValidationError(
            {"owner": f"{owner} cannot see this partnership, so cannot own its objectives."}
        )


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - OBJECTIVE_FIELDS
    if unknown:
        raise TypeError(f"Unknown objective fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def objective_create(*, partnership: Partnership, by, **fields) -> Objective:
    access.require_visible(by, partnership)
    _check_fields(fields)
    objective = Objective(partnership=partnership, **fields)
    objective.full_clean()
    _check_owner(objective)
    objective.save()
    record_activity(
        partnership=partnership,
        kind="objective",
        summary=f"{objective.get_party_display()} objective added: {objective.title}",
        actor=by,
        url=objective.get_absolute_url(),
    )
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, by, **fields) -> Objective:
    access.require_visible(by, objective.partnership)
    _check_fields(fields)
    before_status = Objective.objects.get(pk=objective.pk).status
    for name, value in fields.items():
        setattr(objective, name, value)
    objective.full_clean()
    _check_owner(objective)
    # An objective that changes party cannot keep links that only make sense for its old party.
    if "party" in fields:
        if objective.party != Party.OURS:
            objective.alignments.all().delete()
        if objective.party != Party.PARTNER:
            objective.partner_alignments.all().delete()
    objective.save()
    summary = f"Objective edited: {objective.title}"
    if objective.status != before_status:
        summary = f"Objective “{objective.title}” is now {objective.get_status_display().lower()}"
    record_activity(
        partnership=objective.partnership,
        kind="objective",
        summary=summary,
        actor=by,
        url=objective.get_absolute_url(),
    )
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective, by) -> None:
    access.require_visible(by, objective.partnership)
    partnership, title = objective.partnership, objective.title
    objective.delete()
    record_activity(
        partnership=partnership, kind="objective", summary=f"Objective removed: {title}", actor=by
    )


@transaction.atomic
def alignment_set(
    *,
    objective: Objective,
    partner_objective: Objective,
    kind: str,
    note: str = "",
    by,
) -> Alignment:
    """Link one of our objectives to one of the partner's, or change the existing link."""
    access.require_visible(by, objective.partnership)
    alignment = Alignment.objects.filter(
        objective=objective, partner_objective=partner_objective
    ).first() or Alignment(objective=objective, partner_objective=partner_objective)
    alignment.kind = kind
    alignment.note = note.strip()
    alignment.full_clean()
    alignment.save()
    record_activity(
        partnership=objective.partnership,
        kind="alignment",
        summary=f"“{objective}” and the partner's “{partner_objective}”: "
        f"{AlignmentKind(kind).label.lower()}",
        actor=by,
        url=_alignment_url(objective.partnership_id),
    )
    return alignment


@transaction.atomic
def alignment_delete(*, alignment: Alignment, by) -> None:
    partnership = alignment.objective.partnership
    access.require_visible(by, partnership)
    summary = f"Link removed between “{alignment.objective}” and “{alignment.partner_objective}”"
    alignment.delete()
    record_activity(
        partnership=partnership,
        kind="alignment",
        summary=summary,
        actor=by,
        url=_alignment_url(partnership.pk),
    )


def _alignment_url(partnership_pk: int) -> str:
    return reverse("objectives:alignment", args=[partnership_pk])


@transaction.atomic
def objective_adjust(
    *,
    objective: Objective,
    by,
    reason: str,
    target: Decimal | None = None,
    due_date: datetime.date | None = None,
) -> Objective:
    """Move an objective's target or due date for a stated reason (a review's decision, say).
    The timeline row it writes (kind "objective", linked to the objective) says what changed
    and why: it is the objective's history."""
    access.require_visible(by, objective.partnership)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the objective changes."})
    changes = []
    if target is not None and target != objective.target:
        changes.append(f"target {_number(objective.target)} → {_number(target)}")
        objective.target = target
    if due_date is not None and due_date != objective.due_date:
        before = f"{objective.due_date:%-d %b %Y}" if objective.due_date else "none"
        changes.append(f"due date {before} → {due_date:%-d %b %Y}")
        objective.due_date = due_date
    if not changes:
        raise ValidationError("Give a new target or a new due date that differs from the current.")
    objective.full_clean()
    objective.save(update_fields=["target", "due_date", "updated_at"])
    record_activity(
        partnership=objective.partnership,
        kind="objective",
        summary=f"Objective “{objective.title}” adjusted: {', '.join(changes)}. Why: {reason}",
        actor=by,
        url=objective.get_absolute_url(),
    )
    return objective


def _number(value: Decimal | None) -> str:
    if value is None:
        return "none"
    return f"{Decimal(value).normalize():,f}"
