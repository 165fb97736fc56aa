from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import Band, HealthSettings

register = template.Library()

BAND_CSS = {
    Band.HEALTHY: "text-bg-success",
    Band.WATCH: "text-bg-warning",
    Band.AT_RISK: "text-bg-danger",
    Band.UNKNOWN: "text-bg-secondary",
}


@register.simple_tag
def health_badge(score: int | None, settings: HealthSettings) -> SafeString:
    """A score coloured by its band (the administrators' thresholds), "no data" without one."""
    if not isinstance(score, int):  # a partnership not scored yet has no health row
        score = None
    band = settings.band(score)
    return format_html(
        '<span class="badge {}">{}</span>', BAND_CSS[band], "no data" if score is None else score
    )


@register.simple_tag
def band_badge(band: str) -> SafeString:
    return format_html('<span class="badge {}">{}</span>', BAND_CSS[band], Band(band).label)


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
