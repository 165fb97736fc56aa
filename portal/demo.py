"""Demo partner contacts: two of a live partnership's contacts invited to the portal, one of
whom has joined and taken part (a reply in a discussion we share, a comment and a new due date
proposed on her action item); a few of its KPIs shared. Idempotent: a partnership with
invitations is left alone."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from accounts.models import User
from communications import services as communications
from communications.models import ActionItem, ActionStatus, Party, Thread
from partnerships.models import Partnership, PortalAccess, Stage
from reviews import services as reviews
from reviews.models import KPI

from . import services


def seed(stdout) -> None:
    manager = User.objects.filter(email="manager@accord.example").first()
    if manager is None or PortalAccess.objects.exists():
        return
    # A live one first: it has check-ins, KPIs and action items for the portal to show.
    live = Case(When(stage__in=[Stage.ACTIVE, Stage.RENEWING], then=0), default=1)
    partnership = (
        Partnership.objects.filter(stage__in=services.INVITABLE_STAGES, managers=manager)
        .exclude(organization=None)
        .order_by(live, "name")
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
            _take_part(partnership, manager, accesses[0].contact.user)
    if accesses:
        names = ", ".join(a.contact.name for a in accesses)
        stdout.write(f"Demo portal: {names} invited to {partnership.name}.")


def _take_part(partnership: Partnership, manager: User, partner: User) -> None:
    """What the partner's people see shared, and what the one who joined did with it."""
    for kpi in KPI.objects.filter(partnership=partnership).order_by("name")[:3]:
        reviews.kpi_set_shared(kpi=kpi, by=manager, shared=True)
    thread = (
        Thread.objects.filter(partnership=partnership).order_by("is_idea", "created_at").first()
    )
    if thread is None:
        thread = communications.thread_start(
            partnership=partnership,
            by=manager,
            title="Next quarter's joint plan",
            body="What should we take on together next quarter? Ideas welcome.",
        ).post
    communications.thread_set_shared(thread=thread, by=manager, shared=True)
    communications.thread_reply(
        thread=thread,
        by=partner,
        body=f"Thanks for opening this to us. @[{manager}] our warehouse team can take the "
        "pilot from the first week of next month; we will send names by Friday.",
    )
    action = (
        ActionItem.objects.filter(
            partnership=partnership,
            party=Party.PARTNER,
            owner_contact__user=partner,
            status=ActionStatus.OPEN,
        )
        .order_by("due_on", "pk")
        .first()
    )
    if action is not None:
        communications.action_comment(
            action=action, by=partner, body="Half of it is ready; the rest waits on our supplier."
        )
        communications.action_propose_due_date(
            action=action,
            by=partner,
            proposed_on=max(action.due_on or timezone.localdate(), timezone.localdate())
            + timedelta(days=14),
            reason="Our supplier delivers a week late.",
        )
