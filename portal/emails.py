from urllib.parse import urlencode

from django.urls import reverse
from sesame.utils import get_token

from reminders.services import site_url

from .services import link_days

HEALTHCHECK_ASKED = "healthcheck.partner_asked"
HEALTHCHECK_REMINDER = "healthcheck.partner_answer"


def link_context(reminder) -> dict:
    """Made at delivery: the sign-in link exists only in the e-mail, never in the outbox."""
    user = reminder.recipient
    return {
        "link": site_url() + reverse("portal:link", args=[get_token(user)]),
        "sign_in_link": f"{site_url()}{reverse('portal:sign_in')}",
        "days": link_days(),
    }


def healthcheck_context(reminder) -> dict:
    """A health-check notice: the sign-in link leads straight to the answer page."""
    context = link_context(reminder)
    context["link"] += "?" + urlencode({"next": reminder.url})
    return context
