"""Where reviews name a partner contact: the partner attendees of a review, a record of who was
there (never handed to someone else)."""

from partnerships.models import Contact
from partnerships.registry import ContactUse, ContactUses, register_contact_uses

from .models import Review


def find(contact: Contact) -> list[ContactUse]:
    rows = Review.objects.filter(partner_attendees=contact).select_related("partnership")
    return [
        ContactUse(
            partnership_id=r.partnership_id,
            partnership_name=r.partnership.name,
            what=f"Attended the {r.get_kind_display().lower()} of "
            f"{r.held_on or r.due_on:%-d %b %Y}",
            url=r.get_absolute_url(),
            movable=False,
        )
        for r in rows.order_by("due_on", "pk")
    ]


def register() -> None:
    register_contact_uses(ContactUses("reviews", find))
