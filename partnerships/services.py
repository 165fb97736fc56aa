"""Rules that change partnerships. Views, tasks, tests and seed data all go through here."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from audit import services as audit
from webhooks import events as webhooks

from . import access, registry
from .models import Activity, Contact, Partnership, Stage, Transition
from .registry import ContactUse, gate_checks

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
    webhooks.emit(
        webhooks.EventType.PARTNERSHIP_CREATED,
        partnership=partnership,
        data={"stage": partnership.stage, "type": partnership.type, "tier": partnership.tier},
        url=partnership.get_absolute_url(),
        summary=f"Partnership created by {by}",
        by=by,
    )
    return partnership


@transaction.atomic
def partnership_update(*, partnership: Partnership, by, managers=None, **fields) -> Partnership:
    """Change a partnership's details (not its stage: that is ``partnership_move``)."""
    access.require_visible(by, partnership)
    if "stage" in fields:
        raise ValidationError({"stage": "The stage changes only through a move."})
    for name, value in fields.items():
        setattr(partnership, name, value)
    partnership.full_clean()
    partnership.save()
    if managers is not None:
        partnership.managers.set(managers)
    record_activity(
        partnership=partnership, kind="partnership", summary="Partnership details edited", actor=by
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
    summary = f"Moved from {Stage(from_stage).label} to {Stage(to_stage).label}"
    record_activity(partnership=partnership, kind="stage", summary=summary, actor=by)
    ended = to_stage == Stage.ENDED
    webhooks.emit(
        webhooks.EventType.PARTNERSHIP_ENDED
        if ended
        else webhooks.EventType.PARTNERSHIP_STAGE_CHANGED,
        partnership=partnership,
        data={
            "from_stage": from_stage,
            "to_stage": to_stage,
            **({"reason": partnership.ended_reason} if ended else {"note": note.strip()}),
        },
        url=partnership.get_absolute_url(),
        summary=f"Ended: {partnership.ended_reason}"[:300] if ended else summary,
        by=by,
    )
    if to_stage == Stage.ENDED:
        portal_accesses_revoke(partnership, by=by)
    return transition


def portal_links_invalidate(user) -> None:
    """Void every portal link still in someone's inbox: django-sesame signs each link with the
    password hash, and a fresh unusable password changes it."""
    user.set_unusable_password()
    user.save(update_fields=["password"])


def portal_accesses_revoke(partnership: Partnership, *, by, accesses=None) -> int:
    """Close the portal to these of the partnership's partner contacts (all, by default), at
    once; a contact left with no partnership at all has every outstanding link voided too."""
    from .models import PortalAccess

    rows = list(
        (accesses if accesses is not None else partnership.portal_accesses.all())
        .filter(revoked_at__isnull=True)
        .select_related("contact__user")
        .select_for_update(of=("self",))
    )
    if not rows:
        return 0
    PortalAccess.objects.filter(pk__in=[a.pk for a in rows]).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    for row in rows:
        user = row.contact.user
        if user is not None and not PortalAccess.objects.active().filter(contact__user=user):
            portal_links_invalidate(user)
    for row in rows:
        audit.record(
            audit.Action.PORTAL_REVOKED,
            actor=by,
            target=row,
            label=f"{row.contact.name} · {partnership.name}",
        )
    names = ", ".join(a.contact.name for a in rows)
    record_activity(
        partnership=partnership,
        kind="portal.revoked",
        summary=f"Portal access revoked: {names}",
        actor=by,
    )
    return len(rows)


# Contacts -----------------------------------------------------------------------------------------


class ContactInUse(ValidationError):
    """A contact that something still names cannot be deleted; ``uses`` says where."""

    def __init__(self, contact: Contact, uses: list[ContactUse]) -> None:
        self.uses = uses
        super().__init__(
            f"{contact.name} is still named in {len(uses)} place{'s' if len(uses) != 1 else ''}: "
            "keep them as a former contact, or hand their part to another contact."
        )


def contact_uses(contact: Contact) -> list[ContactUse]:
    """Every place that names ``contact``, from each step that registered where it names one."""
    uses = [use for entry in registry.contact_uses() for use in entry.find(contact)]
    return sorted(uses, key=lambda u: (u.partnership_name, not u.movable, u.what))


def _locked_contact(contact: Contact) -> Contact:
    # FOR UPDATE conflicts with the key-share lock a new row naming the contact takes: until this
    # transaction ends, nothing can start naming it.
    return Contact.objects.select_for_update().select_related("organization").get(pk=contact.pk)


@transaction.atomic
def contact_delete(*, contact: Contact, by) -> None:
    """Delete a contact nothing names; otherwise ``ContactInUse`` with the places."""
    contact = _locked_contact(contact)
    uses = contact_uses(contact)
    if uses:
        raise ContactInUse(contact, uses)
    try:
        with transaction.atomic():
            contact.delete()
    except ProtectedError:  # a step that named it without registering where
        raise ContactInUse(contact, contact_uses(contact)) from None


@transaction.atomic
def contact_retire(*, contact: Contact, by, left_on=None) -> Contact:
    """Keep a contact who left as a former one: the records that name them stay as they are, and
    no picker offers them for anything new."""
    contact = _locked_contact(contact)
    if contact.left_on is None:
        contact.left_on = left_on or timezone.localdate()
        contact.full_clean()
        contact.save(update_fields=["left_on"])
    return contact


@dataclass(frozen=True)
class Reassigned:
    moved: list[ContactUse]
    removed: bool  # False: records still name them, so they stay as a former contact


@transaction.atomic
def contact_reassign(*, contact: Contact, to: Contact, by) -> Reassigned:
    """Hand everything current that names ``contact`` to ``to`` (a current contact of the same
    organisation), all at once; then remove ``contact``, or keep them as a former contact if
    records (signed agreement versions, done action items, attended meetings) still name them.
    Records never change: that is what makes them records."""
    contact = _locked_contact(contact)
    to = Contact.objects.select_for_update().get(pk=to.pk)
    if to.pk == contact.pk or to.organization_id != contact.organization_id:
        raise ValidationError({"to": f"Choose another contact of {contact.organization}."})
    if to.is_former:
        raise ValidationError({"to": f"{to.name} has left {contact.organization} too."})
    movable = [use for use in contact_uses(contact) if use.movable]
    partnership_ids = {use.partnership_id for use in movable}
    seen = access.visible_partnerships(by).filter(pk__in=partnership_ids).count()
    if seen != len(partnership_ids):
        raise PermissionDenied(
            f"Some of what names {contact.name} is in partnerships you do not manage: "
            "an executive can hand it over."
        )
    moved = [
        use
        for entry in registry.contact_uses()
        if entry.move
        for use in entry.move(contact, to, by)
    ]
    by_partnership: dict[int, int] = {}
    for use in moved:
        by_partnership[use.partnership_id] = by_partnership.get(use.partnership_id, 0) + 1
    for pk, count in by_partnership.items():
        record_activity(
            partnership=Partnership(pk=pk),
            kind="partnership",
            summary=f"{contact.name}'s part handed to {to.name} "
            f"({count} place{'s' if count != 1 else ''})",
            actor=by,
        )
    if contact_uses(contact):
        contact_retire(contact=contact, by=by)
        return Reassigned(moved=moved, removed=False)
    contact.delete()
    return Reassigned(moved=moved, removed=True)
