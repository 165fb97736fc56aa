"""Demo partner contacts: two of a live partnership's contacts invited to the portal, one of
whom has joined. Idempotent: a partnership with invitations is left alone."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from partnerships.models import Partnership, PortalAccess

from . import services


def seed(stdout) -> None:
    manager = User.objects.filter(email="manager@accord.example").first()
    if manager is None or PortalAccess.objects.exists():
        return
    partnership = (
        Partnership.objects.filter(stage__in=services.INVITABLE_STAGES, managers=manager)
        .exclude(organization=None)
        .order_by("name")
        .first()
    )
    if partnership is None:
        return
    contacts = list(
        partnership.organization.contacts.current().exclude(email="").order_by("pk")[:2]
    )
    with transaction.atomic():
        accesses = [
            services.invite(partnership=partnership, by=manager, contact=contact)
            for contact in contacts
        ]
        if len(accesses) == 1:
            # A second person, so the tab shows one who joined and one still invited.
            domain = contacts[0].email.rsplit("@", 1)[1]
            accesses.append(
                services.invite(
                    partnership=partnership,
                    by=manager,
                    name="Leo Martin",
                    email=f"leo.martin@{domain}",
                    title="Operations lead",
                )
            )
        if accesses:
            now = timezone.now()
            PortalAccess.objects.filter(pk=accesses[0].pk).update(
                joined_at=now - timedelta(days=20), last_seen_at=now - timedelta(days=2)
            )
    if accesses:
        names = ", ".join(a.contact.name for a in accesses)
        stdout.write(f"Demo portal: {names} invited to {partnership.name}.")
