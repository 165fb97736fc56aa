"""Where communications names a partner contact: the owner of an action item (handed over while
it is open) and the partner attendees of a check-in (a record of who was there)."""

from partnerships.models import Contact, Stage
from partnerships.registry import ContactUse, ContactUses, register_contact_uses

from .models import ActionItem, ActionStatus, CheckIn


def _action_use(item: ActionItem) -> ContactUse:
    movable = item.status == ActionStatus.OPEN and item.partnership.stage != Stage.ENDED
    state = "" if item.status == ActionStatus.OPEN else f", {item.get_status_display().lower()}"
    return ContactUse(
        partnership_id=item.partnership_id,
        partnership_name=item.partnership.name,
        what=f"Owner of the action item “{item.title}”{state}",
        url=item.get_absolute_url(),
        movable=movable,
    )


def find(contact: Contact) -> list[ContactUse]:
    actions = ActionItem.objects.filter(owner_contact=contact).select_related("partnership")
    check_ins = CheckIn.objects.filter(partner_attendees=contact).select_related("partnership")
    return [_action_use(a) for a in actions.order_by("pk")] + [
        ContactUse(
            partnership_id=c.partnership_id,
            partnership_name=c.partnership.name,
            what=f"Attended the check-in of {c.held_on:%-d %b %Y}",
            url=c.get_absolute_url(),
            movable=False,
        )
        for c in check_ins.order_by("held_on", "pk")
    ]


def move(contact: Contact, to: Contact, by) -> list[ContactUse]:
    """Open action items of live partnerships go to ``to``; done ones keep who did them."""
    rows = list(
        ActionItem.objects.select_for_update(of=("self",))
        .filter(owner_contact=contact, status=ActionStatus.OPEN)
        .exclude(partnership__stage=Stage.ENDED)
        .select_related("partnership")
        .order_by("pk")
    )
    moved = [_action_use(item) for item in rows]
    ActionItem.objects.filter(pk__in=[a.pk for a in rows]).update(owner_contact=to)
    return moved


def register() -> None:
    register_contact_uses(ContactUses("communications", find, move))
