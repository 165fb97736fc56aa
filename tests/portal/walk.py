from partnerships.models import PortalAccess

from ..factories import ContactFactory, OrganizationFactory


def _access(partnership) -> int:
    if partnership.organization_id is None:
        partnership.organization = OrganizationFactory()
        partnership.save(update_fields=["organization"])
    contact = ContactFactory(organization=partnership.organization)
    return PortalAccess.objects.create(partnership=partnership, contact=contact).pk


OBJECT_MAKERS = {"access_pk": _access}


def partner_contact(partnership):
    """The partnership's invited partner contact (invited on first use), for the portal's forms."""
    from portal import services

    access = (
        PortalAccess.objects.active()
        .filter(partnership=partnership, contact__user__isnull=False)
        .select_related("contact__user")
        .first()
    )
    if access is None:
        contact = ContactFactory(organization=partnership.organization)
        access = services.invite(
            partnership=partnership, by=partnership.executive_sponsor, contact=contact
        )
    return access.contact.user


def _invited(partnership, user) -> dict:
    partner_contact(partnership)
    access = PortalAccess.objects.active().filter(partnership=partnership).first()
    return {"partnership_pk": partnership.pk, "access_pk": access.pk, "tab": "people"}


def _their_action(partnership, user) -> dict:
    from tests.communications.factories import ActionItemFactory

    action = ActionItemFactory(
        partnership=partnership, party="partner", owner=None, owner_contact=user.partner_contact
    )
    return {"partnership_pk": partnership.pk, "action_pk": action.pk}


def _shared_thread(partnership, user) -> dict:
    from tests.communications.factories import ThreadFactory

    thread = ThreadFactory(
        partnership=partnership, shared=True, author=partnership.executive_sponsor
    )
    return {"partnership_pk": partnership.pk, "thread_pk": thread.pk}


def _asked(partnership, user) -> dict:
    """The partnership's open health check, with the contact among those asked."""
    from tests.healthcheck.factories import ensure_open_check

    check = ensure_open_check(partnership, include=[user])
    return {"partnership_pk": partnership.pk, "check_pk": check.pk}


def _link(partnership, user) -> dict:
    from sesame.utils import get_token

    return {"token": get_token(user)}


# The invitations' buttons are on the partnership's "Partner's people" tab; a partner contact's
# action item carries its button on their portal page.
FORM_HOSTS = {
    "portal:resend": "partnerships:tab",
    "portal:revoke": "partnerships:tab",
    "portal:action_done": "portal:partnership",
}

ROUTE_ARGUMENTS = {
    "portal:resend": _invited,
    "portal:revoke": _invited,
    "portal:action_done": _their_action,
    "portal:action": _their_action,
    "portal:action_comment": _their_action,
    "portal:action_due_date": _their_action,
    "portal:thread": _shared_thread,
    "portal:link": _link,
    "portal:healthcheck_answer": _asked,
}

# The portal's forms are walked as the partner contact they are for.
WALK_AS = {
    "portal:action_done": partner_contact,
    "portal:action_comment": partner_contact,
    "portal:action_due_date": partner_contact,
    "portal:concern_create": partner_contact,
    "portal:thread": partner_contact,
    "portal:link": partner_contact,
    "portal:healthcheck_answer": partner_contact,
}

# Portal routes whose objects must be the partner contact's own (their action item, a shared
# discussion): the portal walk makes them with ROUTE_ARGUMENTS, as the contact invited.
PORTAL_OWN_OBJECTS = {
    "portal:action_done",
    "portal:action",
    "portal:action_comment",
    "portal:action_due_date",
    "portal:thread",
    "portal:healthcheck_answer",
}

NOT_PARTNERSHIP_ROUTES = {"portal:link"}
