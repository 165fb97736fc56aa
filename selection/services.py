"""Rules that change candidates and scores, and the choice of the partner."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships import access
from partnerships.models import Organization, Partnership, Stage
from partnerships.services import record_activity

from .models import SCORE_RANGE, Candidate, CandidateStatus, Criterion, Score
from .scoring import OPEN_STAGES

LISTED = (CandidateStatus.LONG_LIST, CandidateStatus.SHORT_LIST)
NOTE_FIELDS = ("past_partnerships", "references", "risks")


def _require_open(partnership: Partnership) -> None:
    if partnership.stage not in OPEN_STAGES:
        raise ValidationError(
            f"The choice of partner is closed: the partnership is "
            f"“{Stage(partnership.stage).label}”."
        )


def _check_listed(status: str) -> None:
    if status not in LISTED:
        raise ValidationError(
            {"status": "A candidate goes on the long or the short list; choose or decline it "
                       "with its own action."}
        )  # fmt: skip


@transaction.atomic
def candidate_add(
    *,
    partnership: Partnership,
    by,
    organization: Organization | None = None,
    new_organization_name: str = "",
    status: str = CandidateStatus.LONG_LIST,
    past_partnerships: str = "",
    references: str = "",
    risks: str = "",
) -> Candidate:
    """Put an organisation on the list; a new one is created on the way."""
    access.require_visible(by, partnership, "You cannot work on this partnership.")
    _require_open(partnership)
    _check_listed(status)
    name = new_organization_name.strip()
    if (organization is None) == (not name):
        raise ValidationError(
            {"organization": "Choose an organisation, or give the name of a new one (not both)."}
        )
    if organization is None:
        organization = Organization(name=name)
        try:
            organization.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {"new_organization_name": exc.message_dict.get("name", exc.messages)}
            ) from exc
        organization.save()
    candidate = Candidate(
        partnership=partnership,
        organization=organization,
        status=status,
        past_partnerships=past_partnerships,
        references=references,
        risks=risks,
        added_by=by,
    )
    candidate.full_clean()
    candidate.save()
    record_activity(
        partnership=partnership,
        kind="selection",
        summary=f"{organization} added to the {candidate.get_status_display().lower()}",
        actor=by,
        url=candidate.get_absolute_url(),
    )
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, by, status: str | None = None, **notes) -> Candidate:
    """Edit the due-diligence notes, or move between the long and the short list (a declined
    candidate goes back on a list this way)."""
    partnership = candidate.partnership
    access.require_visible(by, partnership, "You cannot work on this partnership.")
    unknown = set(notes) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown candidate fields: {', '.join(sorted(unknown))}")
    for name, value in notes.items():
        setattr(candidate, name, value)
    before = Candidate.objects.get(pk=candidate.pk).status
    if status is not None and status != before:
        _require_open(partnership)
        _check_listed(status)
        if before == CandidateStatus.CHOSEN:
            raise ValidationError({"status": f"{candidate} is the chosen partner."})
        candidate.status = status
    candidate.full_clean()
    candidate.save()
    summary = f"Due diligence on {candidate} edited"
    if candidate.status != before:
        summary = f"{candidate} moved to the {candidate.get_status_display().lower()}"
    record_activity(
        partnership=partnership,
        kind="selection",
        summary=summary,
        actor=by,
        url=candidate.get_absolute_url(),
    )
    return candidate


@transaction.atomic
def candidate_decline(*, candidate: Candidate, by, reason: str) -> Candidate:
    partnership = candidate.partnership
    access.require_visible(by, partnership, "You cannot work on this partnership.")
    _require_open(partnership)
    candidate = (
        Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)
    )
    if candidate.is_declined:
        raise ValidationError(f"{candidate} is already declined.")
    if candidate.is_chosen:
        raise ValidationError(f"{candidate} is the chosen partner and cannot be declined.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the candidate is declined."})
    candidate.status = CandidateStatus.DECLINED
    candidate.declined_reason = reason.strip()
    candidate.full_clean()
    candidate.save()
    record_activity(
        partnership=partnership,
        kind="selection",
        summary=f"{candidate} declined: {candidate.declined_reason}",
        actor=by,
        url=candidate.get_absolute_url(),
    )
    return candidate


@transaction.atomic
def scores_submit(
    *,
    candidate: Candidate,
    evaluator,
    scores: Mapping[Criterion, tuple[int, str]],
) -> list[Score]:
    """Record one evaluator's scores of one candidate: a score from 1 to 5 and a comment for
    every active criterion. Sending them again replaces the evaluator's earlier scores."""
    partnership = candidate.partnership
    access.require_visible(evaluator, partnership, "You cannot work on this partnership.")
    _require_open(partnership)
    candidate = (
        Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)
    )
    if candidate.is_declined:
        raise ValidationError(f"{candidate} is declined: it can no longer be scored.")
    active = {c.pk: c for c in Criterion.objects.active()}
    given = {c.pk: value for c, value in scores.items()}
    errors: dict[str, list[str]] = {}
    general = []
    if given.keys() - active.keys():
        general.append("Only active criteria can be scored.")
    missing = [active[pk].name for pk in active if pk not in given]
    if missing:
        general.append(f"Score every criterion; missing: {', '.join(missing)}.")
    if general:
        errors["__all__"] = general
    for pk, (value, _comment) in given.items():
        if pk in active and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5
        ):
            errors[active[pk].name] = [SCORE_RANGE]
    if errors:
        raise ValidationError(errors)

    existing = {
        s.criterion_id: s for s in Score.objects.filter(candidate=candidate, evaluator=evaluator)
    }
    first_time = not any(pk in existing for pk in active)
    saved = []
    for pk, (value, comment) in given.items():
        score = existing.get(pk) or Score(
            candidate=candidate, criterion=active[pk], evaluator=evaluator
        )
        score.value, score.comment = value, comment.strip()
        score.full_clean()
        score.save()
        saved.append(score)
    record_activity(
        partnership=partnership,
        kind="selection",
        summary=f"{evaluator} {'scored' if first_time else 'revised their scores of'} {candidate}",
        actor=evaluator,
        url=candidate.get_absolute_url(),
    )
    return saved


@transaction.atomic
def choose_candidate(
    *, partnership: Partnership, candidate: Candidate, by, reason: str = ""
) -> Candidate:
    """Make a candidate the partner: it becomes the partnership's organisation, every other
    candidate still on a list is declined with ``reason``, and the gate to `agreeing` opens."""
    access.require_visible(by, partnership, "You cannot work on this partnership.")
    if candidate.partnership_id != partnership.pk:
        raise ValidationError(f"{candidate} is a candidate of another partnership.")
    given = partnership
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if partnership.stage != Stage.SELECTING:
        raise ValidationError(
            f"A partner is chosen while the partnership is “{Stage.SELECTING.label}”; "
            f"this one is “{Stage(partnership.stage).label}”."
        )
    candidates = list(
        Candidate.objects.select_for_update()
        .filter(partnership=partnership)
        .select_related("organization")
    )
    candidate = next(c for c in candidates if c.pk == candidate.pk)
    chosen = next((c for c in candidates if c.is_chosen), None)
    if chosen is not None:
        raise ValidationError(f"{chosen} is already chosen as the partner.")
    if candidate.is_declined:
        raise ValidationError(f"{candidate} was declined; put it back on a list first.")
    reason = reason.strip() or f"{candidate} was chosen as the partner."
    others = [c for c in candidates if c.pk != candidate.pk and not c.is_declined]
    Candidate.objects.filter(pk__in=[c.pk for c in others]).update(
        status=CandidateStatus.DECLINED, declined_reason=reason
    )
    candidate.status = CandidateStatus.CHOSEN
    candidate.full_clean()
    candidate.save()
    partnership.organization = candidate.organization
    partnership.save(update_fields=["organization", "updated_at"])
    given.organization = candidate.organization
    summary = f"{candidate} chosen as the partner"
    if others:
        summary += f"; declined {', '.join(str(c) for c in others)}"
    record_activity(
        partnership=partnership,
        kind="selection",
        summary=summary,
        actor=by,
        url=candidate.get_absolute_url(),
    )
    return candidate
