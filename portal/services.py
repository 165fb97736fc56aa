"""Inviting the partner's people, their sign-in links, and revoking them.

Every change here goes through the access rule of the partnership it touches; a partner contact
is an ordinary user with the Partner contact role and an unusable password, tied to one
organisation through its Contact.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User
from audit import services as audit
from partnerships.access import can_see, require_visible
from partnerships.models import Contact, Partnership, PortalAccess, Stage
from partnerships.services import portal_accesses_revoke
from reminders.models import Reminder
from reminders.services import enqueue, notify_now
from webhooks import events as webhooks

from .models import LinkRequest

logger = logging.getLogger(__name__)

LINK_KIND = "portal.link"
# From agreeing on: before that there is no partner, or no agreement to work on together.
INVITABLE_STAGES = {Stage.AGREEING, Stage.ACTIVE, Stage.RENEWING}


class PortalRefused(Exception):
    """A refusal a person can act on; the message says why in words."""


def link_days() -> int:
    return settings.ACCORD_PORTAL_LINK_DAYS


def _locked(partnership: Partnership) -> Partnership:
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=partnership.pk)
    )


def _portal_user(contact: Contact) -> User:
    """The contact's sign-in, made on their first invitation; one person, one organisation."""
    if contact.user_id:
        user = contact.user
        if user.email.lower() != contact.email.lower():
            if User.objects.filter(email__iexact=contact.email).exclude(pk=user.pk).exists():
                raise PortalRefused(f"{contact.email} is already someone else's sign-in to Accord.")
            user.email = contact.email.lower()
        user.full_name = contact.name
        user.is_active = True
        user.save(update_fields=["email", "full_name", "is_active"])
        return user
    existing = User.objects.filter(email__iexact=contact.email).first()
    if existing is not None:
        if not existing.is_partner_contact:
            raise PortalRefused(
                f"{contact.email} belongs to one of our own people; partner contacts need an "
                "address of their own."
            )
        if hasattr(existing, "partner_contact"):
            raise PortalRefused(
                f"{contact.email} already signs in for {existing.partner_contact}: a partner "
                "contact belongs to one organisation."
            )
        user = existing
    else:
        user = User.objects.create_user(
            email=contact.email, password=None, full_name=contact.name[:150]
        )
    user.groups.add(Group.objects.get(name=roles.PARTNER_CONTACT))
    contact.user = user
    contact.save(update_fields=["user"])
    return user


def _send_link(access: PortalAccess, *, now: datetime.datetime) -> None:
    """One outbox row per sending: the key carries the sending's time, so a re-send is a new
    e-mail and a retried delivery of the same one is not."""
    user = access.contact.user
    access.last_sent_at = now
    access.save(update_fields=["last_sent_at"])
    key = f"portal:{access.pk}:{int(now.timestamp() * 1_000_000)}"
    notify_now(
        kind=LINK_KIND,
        subject_key=key,
        on=timezone.localdate(now),
        recipients=[user],
        url=reverse("portal:home"),
        title=f"Your link to {access.partnership.name} on Accord",
    )

    def deliver_now() -> None:
        ids = list(
            Reminder.objects.filter(kind=LINK_KIND, subject_key=key, recipient=user).values_list(
                "pk", flat=True
            )
        )
        Reminder.objects.filter(pk__in=ids).update(queued_at=timezone.now())
        enqueue(ids)  # a broker that is down only delays it: the next sweep sends it

    transaction.on_commit(deliver_now)


def invite(
    *,
    partnership: Partnership,
    by: User,
    contact: Contact | None = None,
    name: str = "",
    email: str = "",
    title: str = "",
) -> PortalAccess:
    """Invite an existing contact of the partner, or a new one, and e-mail them a link."""
    with transaction.atomic():
        partnership = _locked(partnership)
        require_visible(by, partnership, "You cannot invite anyone to this partnership.")
        if partnership.stage not in INVITABLE_STAGES:
            raise PortalRefused(
                "The partner's people can be invited from the agreeing stage on, while the "
                "partnership is live."
            )
        if partnership.organization_id is None:
            raise PortalRefused("Choose the partner first: invitations go to its people.")
        if contact is None:
            contact = Contact.objects.create(
                organization=partnership.organization, name=name, email=email, title=title
            )
        else:
            contact = Contact.objects.select_for_update().get(pk=contact.pk)
            if contact.organization_id != partnership.organization_id:
                raise PortalRefused("That contact is not one of the partner's people.")
            if contact.is_former:
                raise PortalRefused(f"{contact.name} has left {partnership.organization}.")
            if not contact.email:
                raise PortalRefused(
                    f"{contact.name} has no e-mail address: add one to the contact first."
                )
        _portal_user(contact)
        now = timezone.now()
        access, created = PortalAccess.objects.get_or_create(
            partnership=partnership,
            contact=contact,
            defaults={"invited_by": by, "invited_at": now},
        )
        if not created and access.revoked_at is None:
            raise PortalRefused(
                f"{contact.name} is already invited; send them a fresh link from the list."
            )
        if not created:
            access.revoked_at = None
            access.revoked_by = None
            access.invited_by = by
            access.invited_at = now
            access.save(update_fields=["revoked_at", "revoked_by", "invited_by", "invited_at"])
        _send_link(access, now=now)
        audit.record(
            audit.Action.PORTAL_INVITED,
            actor=by,
            target=access,
            label=f"{contact.name} · {partnership.name}",
            extra={"email": contact.email},
        )
        partnership.activities.create(
            kind="portal.invited",
            summary=f"{by} invited {contact.name} of {partnership.organization} to the portal",
            actor=by,
        )
    return access


def resend(*, access: PortalAccess, by: User) -> PortalAccess:
    with transaction.atomic():
        access = (
            PortalAccess.objects.select_for_update(of=("self",))
            .select_related("contact__user")
            .get(pk=access.pk)
        )
        partnership = _locked(access.partnership)
        require_visible(by, partnership, "You cannot change this partnership's invitations.")
        if access.revoked_at is not None:
            raise PortalRefused(f"{access.contact.name}'s access is revoked: invite them again.")
        if partnership.is_ended:
            raise PortalRefused("The partnership has ended.")
        _send_link(access, now=timezone.now())
    return access


def revoke(*, access: PortalAccess, by: User) -> None:
    """At once: the partnership leaves their portal on their next request."""
    with transaction.atomic():
        partnership = _locked(access.partnership)
        require_visible(by, partnership, "You cannot change this partnership's invitations.")
        portal_accesses_revoke(
            partnership, by=by, accesses=PortalAccess.objects.filter(pk=access.pk)
        )


ACTIVITY_KIND = "portal.activity"


def tell_our_side(
    *,
    partnership: Partnership,
    key: str,
    title: str,
    url: str,
    by: User,
    activity: str,
    subject: dict,
    also: Iterable[User | None] = (),
    told: Iterable[User] = (),
) -> None:
    """A notice to the partnership's managers (its sponsor when it has none), and to ``also``
    (the one of ours behind the subject: who set the action item, who started the discussion)
    when they still see the partnership, of something a partner contact did; the timeline has
    it already, as theirs. Those in ``told`` (mentioned, so notified already) are left out.
    It is a ``partner.activity`` webhook event too: ``activity`` names what they did
    (``action_done``, ``concern_raised``, ...), ``subject`` what they did it to (its type, id
    and title)."""
    webhooks.emit(
        webhooks.EventType.PARTNER_ACTIVITY,
        partnership=partnership,
        data={"activity": activity, "subject": subject},
        url=url,
        summary=title,
        by=by,
    )
    people = list(partnership.managers.filter(is_active=True))
    if not people and partnership.executive_sponsor.is_active:
        people = [partnership.executive_sponsor]
    people += [u for u in also if u is not None and u not in people and can_see(u, partnership)]
    skip = {u.pk for u in told}
    people = [u for u in people if u.pk not in skip]
    notify_now(
        kind=ACTIVITY_KIND,
        subject_key=key,
        on=timezone.localdate(),
        recipients=people,
        url=url,
        title=title,
    )


def joined(user: User) -> None:
    """Their first sign-in: every invitation they hold shows as joined."""
    PortalAccess.objects.active().filter(contact__user=user, joined_at__isnull=True).update(
        joined_at=timezone.now()
    )


def request_link(*, email: str, ip_address: str | None) -> bool:
    """Someone asks for a fresh link. Returns whether one was sent, for tests and the audit;
    the page says the same either way, so nobody learns which addresses we know.

    Throttled before anything is looked up: a few per address typed, and per network, per hour.
    """
    email = email.strip().lower()
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    recent = LinkRequest.objects.filter(at__gte=hour_ago)
    per_email, per_address = settings.ACCORD_PORTAL_LINK_REQUESTS
    too_many = recent.filter(email=email).count() >= per_email or (
        ip_address and recent.filter(ip_address=ip_address).count() >= per_address
    )
    if too_many:
        raise PortalRefused(
            "Too many links were asked for in the last hour. Use the newest e-mail you have, "
            "or try again later."
        )
    LinkRequest.objects.create(email=email, ip_address=ip_address, at=now)
    audit.record(audit.Action.PORTAL_LINK_REQUESTED, actor_email=email, label=email)
    access = (
        PortalAccess.objects.active()
        .filter(
            Q(contact__user__email__iexact=email),
            contact__user__is_active=True,
            partnership__stage__in=INVITABLE_STAGES,
        )
        .select_related("contact__user", "partnership")
        .order_by("-last_sent_at")
        .first()
    )
    if access is None:
        return False
    with transaction.atomic():
        _send_link(access, now=now)
    return True


def prune_link_requests() -> int:
    before = timezone.now() - datetime.timedelta(days=1)
    return LinkRequest.objects.filter(at__lt=before).delete()[0]
