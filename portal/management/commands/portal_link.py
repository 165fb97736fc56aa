from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from sesame.utils import get_token

from partnerships.models import PortalAccess
from reminders.services import site_url


class Command(BaseCommand):
    help = (
        "Print a one-time sign-in link to the partner portal for a partner contact (by e-mail), "
        "or for every partner contact with access when no e-mail is given. For demos and "
        "support: whoever holds the link signs in as that person."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", nargs="?", help="the partner contact's e-mail")

    def handle(self, *args, email=None, **options) -> None:
        accesses = (
            PortalAccess.objects.active()
            .filter(contact__user__is_active=True)
            .select_related("contact__user", "partnership")
            .order_by("contact__name")
        )
        if email:
            accesses = accesses.filter(contact__user__email__iexact=email.strip())
        seen = set()
        for access in accesses:
            user = access.contact.user
            if user.pk in seen:
                continue
            seen.add(user.pk)
            link = site_url() + reverse("portal:link", args=[get_token(user)])
            self.stdout.write(f"{access.contact.name} <{user.email}> ({access.partnership.name}):")
            self.stdout.write(f"  {link}")
        if not seen:
            raise CommandError(
                "No partner contact with portal access"
                + (f" has the e-mail {email}." if email else ": invite one from a partnership.")
            )
