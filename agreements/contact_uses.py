"""Where an agreement names a partner contact: accountable for a responsibility, the partner's
lead of the communication plan, the partner's person at a level of the escalation ladder.

A version still open hands them over; a signed version is a record, and nothing changes it (a
new version names the new person)."""

from partnerships.models import Contact, Stage
from partnerships.registry import ContactUse, ContactUses, register_contact_uses

from .models import OPEN_STATUSES, Agreement, CommunicationPlan, EscalationStep, Responsibility

# model, its field that names the contact, how a place is described
PARTS = (
    (
        Responsibility,
        "accountable_contact",
        lambda r: f"accountable for “{r.area}”",
    ),
    (CommunicationPlan, "partner_lead", lambda p: "the partner's lead in the communication plan"),
    (
        EscalationStep,
        "partner_person",
        lambda s: (
            f"the partner's person at escalation level {s.level} "
            f"({s.get_mechanism_display().lower()})"
        ),
    ),
)


def _use(part, describe) -> ContactUse:
    agreement = part.agreement
    partnership = agreement.partnership
    movable = agreement.is_open and partnership.stage != Stage.ENDED
    state = "" if agreement.is_open else f" ({agreement.get_status_display().lower()})"
    return ContactUse(
        partnership_id=partnership.pk,
        partnership_name=partnership.name,
        what=f"Agreement version {agreement.version}{state}: {describe(part)}",
        url=agreement.get_absolute_url(),
        movable=movable,
    )


def find(contact: Contact) -> list[ContactUse]:
    uses = []
    for model, field, describe in PARTS:
        rows = model.objects.filter(**{field: contact}).select_related("agreement__partnership")
        uses += [_use(part, describe) for part in rows.order_by("agreement__version", "pk")]
    return uses


def move(contact: Contact, to: Contact, by) -> list[ContactUse]:
    """Each open version is locked (as its services lock it), and each part saved with its
    history, so the version's history says who handed it over."""
    open_ones = (
        Agreement.objects.select_for_update()
        .filter(status__in=OPEN_STATUSES)
        .exclude(partnership__stage=Stage.ENDED)
    )
    locked = list(open_ones.filter(pk__in=_agreements_naming(contact)).values_list("pk", flat=True))
    moved = []
    for model, field, describe in PARTS:
        rows = model.objects.filter(**{field: contact}, agreement__in=locked).select_related(
            "agreement__partnership"
        )
        for part in rows:
            moved.append(_use(part, describe))
            setattr(part, field, to)
            part._history_user = by
            part._change_reason = f"{contact.name} left; handed to {to.name}"
            part.save(update_fields=[field])
    return moved


def _agreements_naming(contact: Contact) -> set[int]:
    ids: set[int] = set()
    for model, field, _ in PARTS:
        ids.update(model.objects.filter(**{field: contact}).values_list("agreement_id", flat=True))
    return ids


def register() -> None:
    register_contact_uses(ContactUses("agreements", find, move))
