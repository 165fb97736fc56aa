from django.urls import reverse
from sesame.utils import get_token

from reminders.services import site_url

from .services import link_days


def link_context(reminder) -> dict:
    """Made at delivery: the sign-in link exists only in the e-mail, never in the outbox."""
    user = reminder.recipient
    return {
        "link": site_url() + reverse("portal:link", args=[get_token(user)]),
        "sign_in_link": f"{site_url()}{reverse('portal:sign_in')}",
        "days": link_days(),
    }
