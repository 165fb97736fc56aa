"""Filters and tags of the communication pages, also used by the core's overview and list
templates (the check-in compliance figure and the quick-log button)."""

import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import markup

register = template.Library()


def _span(delta: datetime.timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))} min"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


@register.filter
def duration(delta: datetime.timedelta | None) -> str:
    """A duration, roughly: "45 min", "6 h", "3 d"."""
    return _span(delta) if delta is not None else "—"


@register.simple_tag
def clock(target: datetime.datetime | None, now: datetime.datetime | None = None) -> dict:
    """A concern's response clock: {"text": "3 h left" | "overdue by 2 d", "overdue": bool}."""
    if target is None:
        return {"text": "", "overdue": False, "soon": False}
    now = now or timezone.now()
    left = target - now
    if left.total_seconds() < 0:
        return {"text": f"overdue by {_span(left)}", "overdue": True, "soon": False}
    return {"text": f"{_span(left)} left", "overdue": False, "soon": left.total_seconds() < 86400}


@register.filter
def render_post(text: str) -> SafeString:
    return markup.render(text)


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


@register.inclusion_tag("communications/_compliance.html")
def check_in_compliance(partnership) -> dict:
    from ..services import compliance

    return {"partnership": partnership, "compliance": compliance(partnership)}


@register.simple_tag
def log_button(partnership, css: str = "btn-primary", describe: bool = False) -> SafeString:
    """The quick-log button: opens the check-in form in the page's modal (htmx), or the form's
    own page without JavaScript. A tag, not an include: the partnership list shows it per row."""
    url = reverse("communications:log", args=[partnership.pk])
    return format_html(
        '<a class="btn {}"{} href="{}" data-bs-toggle="modal" data-bs-target="#quick-log" '
        'hx-get="{}" hx-target="#quick-log-content" hx-push-url="false">'
        '<i class="bi bi-chat-square-text me-1" aria-hidden="true"></i>Log check-in</a>',
        css,
        format_html(' aria-describedby="partnership-name-{}"', partnership.pk) if describe else "",
        url,
        url,
    )
