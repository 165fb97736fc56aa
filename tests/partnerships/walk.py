"""Teaches the bad-input walk (tests/bad_input.py) the organisation and contact routes, whose
arguments name an organisation, not a partnership: the partnership's own organisation and one
of its contacts."""

from partnerships.models import Contact


def _contact(partnership, user) -> dict:
    contact = Contact.objects.filter(organization=partnership.organization).first()
    return {"organization_pk": partnership.organization_id, "pk": contact.pk}


def _named_contact(partnership, user) -> dict:
    """A contact still named (by an action item), so the removal page offers retire and
    reassign."""
    from tests.communications.factories import ActionItemFactory

    values = _contact(partnership, user)
    ActionItemFactory(
        partnership=partnership, party="partner", owner=None, owner_contact_id=values["pk"]
    )
    return values


# The removal page carries the retire and reassign forms when the contact is still named.
FORM_HOSTS = {
    "partnerships:contact_retire": "partnerships:contact_delete",
    "partnerships:contact_reassign": "partnerships:contact_delete",
}

ROUTE_ARGUMENTS = {
    "partnerships:organization_detail": lambda p, user: {"pk": p.organization_id},
    "partnerships:organization_edit": lambda p, user: {"pk": p.organization_id},
    "partnerships:contact_create": lambda p, user: {"organization_pk": p.organization_id},
    "partnerships:contact_edit": _contact,
    "partnerships:contact_delete": _contact,
    "partnerships:contact_retire": _named_contact,
    "partnerships:contact_reassign": _named_contact,
}
