"""Rules that change partnerships. Views, tasks, tests and seed data all go through here."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import access
from .models import Activity, Partnership, Stage, Transition
from .registry import gate_checks

# Where each stage may go next (ending is allowed from any stage but `ended`).
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.DEFINING: (Stage.SELECTING,),
    Stage.SELECTING: (Stage.AGREEING,),
    Stage.AGREEING: (Stage.ACTIVE,),
    Stage.ACTIVE: (Stage.RENEWING,),
    Stage.RENEWING: (Stage.ACTIVE,),
    Stage.ENDED: (),
}
EXECUTIVE_MOVES = {Stage.ACTIVE, Stage.ENDED}


class GateClosed(ValidationError):
    """A move refused because conditions are missing; ``missing`` says which, in words."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(missing)


@dataclass(frozen=True)
class Gate:
    stage: str
    missing: list[str]

    @property
    def is_open(self) -> bool:
        return not self.missing

    @property
    def label(self) -> str:
        return Stage(self.stage).label


def gate(partnership: Partnership, to_stage: str) -> Gate:
    missing: list[str] = []
    for check in gate_checks(to_stage):
        missing.extend(check(partnership))
    return Gate(stage=to_stage, missing=missing)


def next_gates(partnership: Partnership) -> list[Gate]:
    return [gate(partnership, stage) for stage in NEXT_STAGES[Stage(partnership.stage)]]


def record_activity(
    *, partnership: Partnership, kind: str, summary: str, actor=None, url: str = ""
) -> Activity:
    return Activity.objects.create(
        partnership=partnership, kind=kind, summary=summary[:300], actor=actor, url=url
    )


@transaction.atomic
def partnership_create(*, by, managers=(), **fields) -> Partnership:
    partnership = Partnership(**fields)
    partnership.full_clean()
    partnership.save()
    chosen = set(managers)
    if by.is_partner_manager and not by.is_executive:
        chosen.add(by)  # whoever creates it must be able to see it
    partnership.managers.set(chosen)
    record_activity(
        partnership=partnership,
        kind="partnership",
        summary=f"Partnership created by {by}",
        actor=by,
    )
    return partnership


@transaction.atomic
def partnership_move(*, partnership: Partnership, to_stage: str, by, note: str = "") -> Transition:
    """Move a partnership to its next stage, or end it, if the gate lets it through."""
    given = partnership
    partnership = Partnership.objects.select_for_update().get(pk=given.pk)
    from_stage = partnership.stage
    if to_stage in EXECUTIVE_MOVES and not access.can_approve(by):
        raise PermissionDenied("Only an executive can approve this move.")
    if to_stage == Stage.ENDED:
        if from_stage == Stage.ENDED:
            raise ValidationError("This partnership has already ended.")
        if not note.strip():
            raise ValidationError({"note": "Say why the partnership ends."})
        partnership.ended_reason = note.strip()
    else:
        if to_stage not in NEXT_STAGES[Stage(from_stage)]:
            raise ValidationError(
                f"A partnership that is “{Stage(from_stage).label}” cannot move to "
                f"“{Stage(to_stage).label}”."
            )
        result = gate(partnership, to_stage)
        if not result.is_open:
            raise GateClosed(result.missing)
    partnership.stage = to_stage
    partnership.save(update_fields=["stage", "ended_reason", "updated_at"])
    given.stage, given.ended_reason = partnership.stage, partnership.ended_reason
    transition = Transition.objects.create(
        partnership=partnership, from_stage=from_stage, to_stage=to_stage, by=by, note=note.strip()
    )
    record_activity(
        partnership=partnership,
        kind="stage",
        summary=f"Moved from {Stage(from_stage).label} to {Stage(to_stage).label}",
        actor=by,
    )
    return transition
