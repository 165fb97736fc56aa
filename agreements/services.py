"""Rules that change agreements. Views, tests and seed data all go through here.

A version is open (draft, in review, approved) until an executive signs it; from then on it and
its parts are a record that nothing here changes, except its end (expired, terminated,
superseded) and attaching the signed document if it had none.
"""

import datetime
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from partnerships import access
from partnerships.models import Partnership, Stage
from partnerships.services import partnership_move, record_activity
from reminders.models import Cadence
from webhooks import events as webhooks

from .completeness import missing_for_signing, plan_of
from .documents import check_document
from .models import (
    Agreement,
    CommunicationPlan,
    EscalationStep,
    Responsibility,
    Status,
)

TERMS = (
    "title",
    "effective_date",
    "expiry_date",
    "notice_period_days",
    "auto_renew",
    "commercial_terms",
)
SIGNABLE_STAGES = (Stage.AGREEING, Stage.ACTIVE, Stage.RENEWING)


class NotReadyToSign(ValidationError):
    """Signing refused because parts are missing; ``missing`` says which, in words."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(missing)


def _locked(agreement: Agreement) -> Agreement:
    """The agreement as it is now in the database, locked until the transaction ends."""
    fresh = Agreement.objects.select_for_update().get(pk=agreement.pk)
    return fresh


def _refuse_unless_open(agreement: Agreement) -> None:
    if not agreement.is_open:
        raise ValidationError(
            f"Version {agreement.version} is {agreement.get_status_display().lower()}: it can "
            "no longer be changed. Start a new version to change its terms."
        )


def _refuse_if_ended(partnership: Partnership) -> None:
    if partnership.stage == Stage.ENDED:
        raise ValidationError("This partnership has ended: its agreement can no longer change.")


def _stamp(obj, by, reason: str = "") -> None:
    # simple-history reads these when it writes the historical row, request or not.
    obj._history_user = by
    if reason:
        obj._change_reason = reason


def _activity(agreement: Agreement, by, summary: str) -> None:
    record_activity(
        partnership=agreement.partnership,
        kind="agreement",
        summary=summary,
        actor=by,
        url=agreement.get_absolute_url(),
    )


# Versions ---------------------------------------------------------------------------------------


def latest_version(partnership: Partnership) -> Agreement | None:
    return Agreement.objects.filter(partnership=partnership).order_by("-version").first()


@transaction.atomic
def agreement_start(*, partnership: Partnership, by, **terms) -> Agreement:
    """Open a new version. It starts as a copy of the last version (its terms and its parts);
    ``terms`` given here replace the copied ones. Only one version may be open at a time."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _refuse_if_ended(partnership)
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {', '.join(sorted(unknown))}")
    open_version = Agreement.objects.filter(partnership=partnership).open().first()
    if open_version is not None:
        raise ValidationError(
            f"Version {open_version.version} is still open "
            f"({open_version.get_status_display().lower()}): finish or discard it before "
            "starting another."
        )
    previous = latest_version(partnership)
    number = (
        Agreement.objects.filter(partnership=partnership).aggregate(n=Max("version"))["n"] or 0
    ) + 1
    copied = {name: getattr(previous, name) for name in TERMS} if previous else {}
    agreement = Agreement(
        partnership=partnership,
        version=number,
        status=Status.DRAFT,
        created_by=by,
        **{**copied, **terms},
    )
    if not agreement.title:
        agreement.title = f"{partnership.name} agreement"
    agreement.full_clean()
    _stamp(agreement, by, f"Version {number} started")
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as exc:  # another request opened one in between
        raise ValidationError(
            "Another version was opened at the same moment: reload the page."
        ) from exc
    if previous is not None:
        _copy_parts(previous, agreement, by)
    _activity(
        agreement,
        by,
        f"Agreement version {number} drafted"
        + (f" from version {previous.version}" if previous else ""),
    )
    return agreement


def _copy_parts(source: Agreement, target: Agreement, by) -> None:
    for item in source.responsibilities.all():
        copy = Responsibility(
            agreement=target,
            party=item.party,
            area=item.area,
            description=item.description,
            accountable_user_id=item.accountable_user_id,
            accountable_contact_id=item.accountable_contact_id,
        )
        _stamp(copy, by, f"Copied from version {source.version}")
        copy.save()
    plan = plan_of(source)
    if plan is not None:
        copy = CommunicationPlan(
            agreement=target,
            check_in_cadence_id=plan.check_in_cadence_id,
            review_cadence_id=plan.review_cadence_id,
            channels=list(plan.channels),
            our_lead_id=plan.our_lead_id,
            partner_lead_id=plan.partner_lead_id,
            reporting=plan.reporting,
            reporting_frequency=plan.reporting_frequency,
        )
        _stamp(copy, by, f"Copied from version {source.version}")
        copy.save()
    for step in source.escalation_steps.all():
        copy = EscalationStep(
            agreement=target,
            level=step.level,
            mechanism=step.mechanism,
            our_person_id=step.our_person_id,
            our_role=step.our_role,
            partner_person_id=step.partner_person_id,
            partner_role=step.partner_role,
            days_to_respond=step.days_to_respond,
        )
        _stamp(copy, by, f"Copied from version {source.version}")
        copy.save()


@transaction.atomic
def agreement_update(*, agreement: Agreement, by, **terms) -> Agreement:
    agreement = _locked(agreement)
    _refuse_unless_open(agreement)
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {', '.join(sorted(unknown))}")
    for name, value in terms.items():
        setattr(agreement, name, value)
    agreement.full_clean()
    _stamp(agreement, by)
    agreement.save()
    _activity(agreement, by, f"Agreement version {agreement.version} edited")
    return agreement


@transaction.atomic
def agreement_discard(*, agreement: Agreement, by) -> None:
    """Throw away an open version (its history stays)."""
    agreement = _locked(agreement)
    _refuse_unless_open(agreement)
    stored = agreement.document.name
    storage = agreement.document.storage
    number = agreement.version
    partnership = agreement.partnership
    for part in [*agreement.responsibilities.all(), *agreement.escalation_steps.all()]:
        _stamp(part, by, f"Version {number} discarded")
        part.delete()
    plan = plan_of(agreement)
    if plan is not None:
        _stamp(plan, by, f"Version {number} discarded")
        plan.delete()
    _stamp(agreement, by, "Discarded")
    agreement.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
    record_activity(
        partnership=partnership,
        kind="agreement",
        summary=f"Agreement version {number} discarded",
        actor=by,
    )


# Review, approval, and the end of a signed version ------------------------------------------------

ACTIONS = {
    # action: (from statuses, to status, executives only, what the timeline says)
    "submit": ((Status.DRAFT,), Status.IN_REVIEW, False, "sent for review"),
    "approve": ((Status.IN_REVIEW,), Status.APPROVED, True, "approved"),
    "reopen": ((Status.IN_REVIEW, Status.APPROVED), Status.DRAFT, False, "sent back to draft"),
    "terminate": ((Status.SIGNED,), Status.TERMINATED, True, "terminated"),
    "expire": ((Status.SIGNED,), Status.EXPIRED, True, "marked expired"),
}


@transaction.atomic
def agreement_set_status(*, agreement: Agreement, by, action: str, note: str = "") -> Agreement:
    if action not in ACTIONS:
        raise ValidationError("Choose what to do with this version.")
    allowed_from, to_status, executives_only, said = ACTIONS[action]
    agreement = _locked(agreement)
    if executives_only and not access.can_approve(by):
        raise PermissionDenied(
            f"Only an executive can mark an agreement {Status(to_status).label.lower()}."
        )
    if agreement.status not in allowed_from:
        raise ValidationError(
            f"Version {agreement.version} is {agreement.get_status_display().lower()}: it cannot "
            f"be {said} now."
        )
    if action == "terminate" and not note.strip():
        raise ValidationError({"note": "Say why the agreement is terminated."})
    if action == "expire" and (
        agreement.expiry_date is None or agreement.expiry_date >= timezone.localdate()
    ):
        raise ValidationError(
            "This agreement has not reached its expiry date: terminate it instead if it ends early."
        )
    agreement.status = to_status
    if note.strip():
        agreement.ended_note = note.strip()
    agreement.full_clean()
    _stamp(agreement, by, f"{said.capitalize()}" + (f": {note.strip()}" if note.strip() else ""))
    agreement.save()
    _activity(agreement, by, f"Agreement version {agreement.version} {said}")
    return agreement


# The signed document ------------------------------------------------------------------------------


@transaction.atomic
def agreement_attach_document(*, agreement: Agreement, by, upload: UploadedFile) -> Agreement:
    """Store the signed document under a name nobody can guess. Everything is checked before a
    byte is written under MEDIA_ROOT; a signed version takes a document only if it has none."""
    agreement = _locked(agreement)
    _refuse_if_ended(agreement.partnership)
    if not agreement.is_open and (agreement.document or agreement.status != Status.SIGNED):
        raise ValidationError(
            f"Version {agreement.version} is {agreement.get_status_display().lower()} and "
            "already has its document: it can no longer be replaced."
            if agreement.document
            else f"Version {agreement.version} is {agreement.get_status_display().lower()}: "
            "it can no longer take a document."
        )
    kind = check_document(upload)
    original = PurePath(upload.name or "agreement").name[:200]
    replaced = agreement.document.name
    storage = agreement.document.storage
    upload.name = f"document{kind.suffix}"
    agreement.document.save(upload.name, upload, save=False)
    stored = agreement.document.name
    agreement.document_name = original
    agreement.document_size = upload.size
    _stamp(agreement, by, f"Document “{original}” uploaded")
    try:
        with transaction.atomic():
            agreement.save()
    except Exception:
        storage.delete(stored)
        raise
    # The replaced file goes only once the new one is committed.
    transaction.on_commit(lambda: replaced and storage.delete(replaced))
    _activity(
        agreement, by, f"Document “{original}” attached to agreement version {agreement.version}"
    )
    return agreement


# Parts ------------------------------------------------------------------------------------------


def _check_contact(agreement: Agreement, contact, field: str) -> None:
    if contact is not None and contact.organization_id != agreement.partnership.organization_id:
        raise ValidationError({field: "Choose a contact of the partner organisation."})


@transaction.atomic
def responsibility_save(
    *, agreement: Agreement, by, responsibility: Responsibility | None = None, **fields
) -> Responsibility:
    agreement = _locked(agreement)
    _refuse_unless_open(agreement)
    if responsibility is None:
        responsibility = Responsibility(agreement=agreement)
    elif responsibility.agreement_id != agreement.pk:
        raise ValidationError("This responsibility belongs to another version.")
    for name, value in fields.items():
        setattr(responsibility, name, value)
    _check_contact(agreement, responsibility.accountable_contact, "accountable_contact")
    responsibility.full_clean()
    created = responsibility.pk is None
    _stamp(responsibility, by)
    responsibility.save()
    _activity(
        agreement,
        by,
        f"Responsibility “{responsibility.area}” ({responsibility.get_party_display().lower()}) "
        f"{'added to' if created else 'edited in'} agreement version {agreement.version}",
    )
    return responsibility


@transaction.atomic
def responsibility_delete(*, responsibility: Responsibility, by) -> None:
    agreement = _locked(responsibility.agreement)
    _refuse_unless_open(agreement)
    _stamp(responsibility, by)
    responsibility.delete()
    _activity(
        agreement,
        by,
        f"Responsibility “{responsibility.area}” removed from agreement version "
        f"{agreement.version}",
    )


@transaction.atomic
def plan_save(*, agreement: Agreement, by, **fields) -> CommunicationPlan:
    agreement = _locked(agreement)
    _refuse_unless_open(agreement)
    plan = plan_of(agreement) or CommunicationPlan(agreement=agreement)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_contact(agreement, plan.partner_lead, "partner_lead")
    plan.full_clean()
    _stamp(plan, by)
    plan.save()
    _activity(agreement, by, f"Communication plan of agreement version {agreement.version} saved")
    return plan


@transaction.atomic
def step_save(
    *, agreement: Agreement, by, step: EscalationStep | None = None, **fields
) -> EscalationStep:
    agreement = _locked(agreement)
    _refuse_unless_open(agreement)
    if step is None:
        step = EscalationStep(agreement=agreement)
    elif step.agreement_id != agreement.pk:
        raise ValidationError("This step belongs to another version.")
    for name, value in fields.items():
        setattr(step, name, value)
    _check_contact(agreement, step.partner_person, "partner_person")
    step.full_clean()
    created = step.pk is None
    _stamp(step, by)
    step.save()
    _activity(
        agreement,
        by,
        f"Escalation level {step.level} ({step.get_mechanism_display().lower()}) "
        f"{'added to' if created else 'edited in'} agreement version {agreement.version}",
    )
    return step


@transaction.atomic
def step_delete(*, step: EscalationStep, by) -> None:
    agreement = _locked(step.agreement)
    _refuse_unless_open(agreement)
    _stamp(step, by)
    step.delete()
    _activity(
        agreement,
        by,
        f"Escalation level {step.level} removed from agreement version {agreement.version}",
    )


def next_level(agreement: Agreement) -> int:
    return (agreement.escalation_steps.aggregate(n=Max("level"))["n"] or 0) + 1


# Signing ----------------------------------------------------------------------------------------


def first_due(
    cadence: Cadence, effective_date: datetime.date, today: datetime.date
) -> datetime.date:
    """The first check-in (or review) falls one period after the effective date. When that day
    has already passed (an agreement signed long after it took effect), one period after today
    instead: a freshly signed agreement never starts overdue."""
    due = cadence.next_due(effective_date)
    return due if due >= today else cadence.next_due(today)


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    by,
    signed_on: datetime.date,
    our_signatory: str,
    partner_signatory: str,
) -> Agreement:
    """Sign a complete open version: the gate to `active`.

    Sets the partnership's cadences from the plan and its first check-in and review dates from
    the effective date (see ``first_due``), supersedes the version signed before, and moves the
    partnership from `agreeing` (or `renewing`) to `active`. All or nothing.
    """
    if not access.can_approve(by):
        raise PermissionDenied("Only an executive can sign an agreement.")
    agreement = _locked(agreement)
    partnership = Partnership.objects.select_for_update().get(pk=agreement.partnership_id)
    _refuse_unless_open(agreement)
    if partnership.stage not in SIGNABLE_STAGES:
        raise ValidationError(
            f"The partnership is “{partnership.get_stage_display()}”: an agreement is signed once "
            "it reaches “Agreeing”."
        )
    errors = {}
    if not our_signatory.strip():
        errors["our_signatory"] = "Name who signed for us."
    if not partner_signatory.strip():
        errors["partner_signatory"] = "Name who signed for the partner."
    today = timezone.localdate()
    if signed_on is None:
        errors["signed_on"] = "Give the date it was signed."
    elif signed_on > today:
        errors["signed_on"] = "The date signed cannot be in the future."
    if agreement.expiry_date and agreement.expiry_date < today:
        errors["expiry_date"] = (
            f"This version expired on {agreement.expiry_date:%-d %b %Y}: move its expiry date "
            "before signing it."
        )
    if errors:
        raise ValidationError(errors)
    parts = (
        Agreement.objects.select_related("plan__check_in_cadence", "plan__review_cadence")
        .prefetch_related("responsibilities", "escalation_steps")
        .get(pk=agreement.pk)
    )
    missing = missing_for_signing(parts)
    if missing:
        raise NotReadyToSign(missing)
    plan = parts.plan

    for previous in Agreement.objects.select_for_update().filter(
        partnership=partnership, status=Status.SIGNED
    ):
        previous.status = Status.SUPERSEDED
        _stamp(previous, by, f"Superseded by version {agreement.version}")
        previous.save(update_fields=["status", "updated_at"])
        _activity(previous, by, f"Agreement version {previous.version} superseded")

    agreement.status = Status.SIGNED
    agreement.signed_on = signed_on
    agreement.signed_by = by
    agreement.our_signatory = our_signatory.strip()
    agreement.partner_signatory = partner_signatory.strip()
    agreement.full_clean()
    _stamp(agreement, by, f"Signed by {by}")
    agreement.save()

    partnership.check_in_cadence = plan.check_in_cadence
    partnership.review_cadence = plan.review_cadence
    partnership.next_check_in_due = first_due(
        plan.check_in_cadence, agreement.effective_date, today
    )
    partnership.next_review_due = first_due(plan.review_cadence, agreement.effective_date, today)
    if partnership.start_date is None:
        partnership.start_date = agreement.effective_date
    partnership.save(
        update_fields=[
            "check_in_cadence",
            "review_cadence",
            "next_check_in_due",
            "next_review_due",
            "start_date",
            "updated_at",
        ]
    )
    _activity(agreement, by, f"Agreement version {agreement.version} signed")
    webhooks.emit(
        webhooks.EventType.AGREEMENT_SIGNED,
        partnership=partnership,
        data={
            "agreement": {
                "id": agreement.pk,
                "version": agreement.version,
                "title": agreement.title,
                "signed_on": agreement.signed_on,
                "effective_date": agreement.effective_date,
                "expiry_date": agreement.expiry_date,
                "our_signatory": agreement.our_signatory,
                "partner_signatory": agreement.partner_signatory,
            }
        },
        url=agreement.get_absolute_url(),
        summary=f"Agreement version {agreement.version} signed",
        by=by,
    )
    if partnership.stage in (Stage.AGREEING, Stage.RENEWING):
        partnership_move(
            partnership=partnership,
            to_stage=Stage.ACTIVE,
            by=by,
            note=f"Agreement version {agreement.version} signed.",
        )
    return agreement
