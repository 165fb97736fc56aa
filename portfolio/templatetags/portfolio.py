from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def money_short(value, currency: str = "") -> str:
    """€3.5M, €160k, €900: a figure that fits a tile. Tables show the full amount."""
    if value is None:
        return "—"
    amount = Decimal(value)
    for size, suffix in ((Decimal(1_000_000_000), "bn"), (Decimal(1_000_000), "M")):
        if abs(amount) >= size:
            return f"{currency}{(amount / size).quantize(Decimal('0.1')).normalize():f}{suffix}"
    if abs(amount) >= 10_000:
        return f"{currency}{round(amount / 1000)}k"
    return f"{currency}{intcomma(int(amount))}"
