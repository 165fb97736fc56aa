"""Partner contacts as the portal makes them: invited through the service, so every test walks
the same path a user's click does."""

import re

from django.core import mail

from partnerships.models import Stage
from portal import services
from reminders.models import Reminder
from reminders.services import deliver

from ..factories import ContactFactory, OrganizationFactory, PartnershipFactory


def live_partnership(sponsor, managers=(), stage=Stage.ACTIVE, **kwargs):
    organization = kwargs.pop("organization", None) or OrganizationFactory()
    return PartnershipFactory(
        executive_sponsor=sponsor,
        managers=list(managers),
        stage=stage,
        organization=organization,
        **kwargs,
    )


def invite(partnership, by, **kwargs):
    if "contact" not in kwargs and "email" not in kwargs:
        kwargs["contact"] = ContactFactory(organization=partnership.organization)
    return services.invite(partnership=partnership, by=by, **kwargs)


def delivered_link(user) -> str:
    """Deliver the user's pending link e-mails as the worker would, and return the newest link."""
    deliver(
        Reminder.objects.filter(recipient=user, kind=services.LINK_KIND).values_list(
            "pk", flat=True
        )
    )
    bodies = [m.body for m in mail.outbox if user.email in m.to]
    assert bodies, f"no e-mail to {user.email}"
    match = re.search(r"https?://\S+/portal/link/\S+/", bodies[-1])
    assert match, bodies[-1]
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def sign_in_with(client, path: str):
    """Open the link, then press the button, as a person does."""
    client.get(path)
    return client.post(path)
