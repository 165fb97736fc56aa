from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from ..services import NOTABLE_GAP

register = template.Library()

WIDE_GAP = Decimal("1.0")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def one_decimal(value) -> str:
    """An average or a gap as people read it: one decimal, nothing when there is none."""
    number = _decimal(value)
    return "" if number is None else f"{number:.1f}"


@register.filter
def signed(value) -> str:
    """A change with its sign: +0.4, −0.3, 0.0."""
    number = _decimal(value)
    if number is None:
        return ""
    if number > 0:
        return f"+{number:.1f}"
    if number < 0:
        return f"−{abs(number):.1f}"
    return "0.0"


@register.simple_tag
def gap_badge(value, signed_value=False):
    """A gap's size in a badge: grey under half a point, amber from half, red from a point.
    ``signed_value``: the number alone with its sign (the partner's average less ours), for a
    column headed "Gap"."""
    number = _decimal(value)
    if number is None:
        return ""
    size = abs(number)
    css = (
        "text-bg-danger"
        if size >= WIDE_GAP
        else "text-bg-warning"
        if size >= NOTABLE_GAP
        else "text-bg-light"
    )
    if signed_value:
        return format_html('<span class="badge {}">{}</span>', css, signed(number))
    return format_html('<span class="badge {}">gap {}</span>', css, f"{size:.1f}")
