"""Numbers with units, attainment, status badges and sparklines for the review pages."""

from collections.abc import Sequence
from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

PREFIX_UNITS = {"€", "$", "£", "¥"}
STATUS_CLASSES = {
    "on_target": "success",
    "watch": "warning",
    "red_flag": "danger",
}
STATUS_ICONS = {
    "on_target": "check-circle-fill",
    "watch": "eye-fill",
    "red_flag": "flag-fill",
}


@register.filter
def number(value) -> str:
    """1234567.5000 -> "1,234,567.5"; None -> "—"."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).normalize():,f}"


@register.filter
def measure(value, unit: str = "") -> str:
    """A value with its unit: "€4.8", "97.5%", "12 days"."""
    if value is None or value == "":
        return "—"
    unit = (unit or "").strip()
    amount = Decimal(value).normalize()
    if (
        unit in PREFIX_UNITS
        and amount != amount.to_integral_value()
        and amount.as_tuple().exponent > -2
    ):
        amount = amount.quantize(Decimal("0.01"))  # money shows cents: €4.80, not €4.8
    shown = f"{amount:,f}"
    if not unit:
        return shown
    if unit in PREFIX_UNITS:
        return f"-{unit}{shown[1:]}" if shown.startswith("-") else f"{unit}{shown}"
    if unit == "%":
        return f"{shown}%"
    return f"{shown} {unit}"


@register.filter
def percent(value) -> str:
    """An attainment in percent: 85.3 -> "85.3%", 100.0 -> "100%"."""
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():,f}%"


@register.inclusion_tag("reviews/_status_badge.html")
def status_badge(status: str, label: str = "") -> dict:
    return {
        "status": status,
        "label": label or "No value yet",
        "css": STATUS_CLASSES.get(status or "", "secondary"),
        "icon": STATUS_ICONS.get(status or "", "dash-circle"),
    }


@register.simple_tag
def sparkline(values: Sequence, status: str = "", unit: str = "", width: int = 100) -> str:
    """A small inline SVG line of the values (oldest first), drawn on the server: no script,
    nothing for the Content-Security-Policy to block, and it prints."""
    points = [Decimal(v) for v in values if v is not None]
    height, pad = 24, 3
    css = f"sparkline text-{STATUS_CLASSES.get(status or '', 'secondary')}"
    if status == "watch":
        css = "sparkline text-warning-emphasis"
    if not points:
        return format_html('<span class="text-body-secondary small">{}</span>', "No values yet")
    low, high = min(points), max(points)
    span = high - low
    step = Decimal(width - 2 * pad) / (len(points) - 1) if len(points) > 1 else Decimal(0)

    def xy(i: int, v: Decimal) -> tuple[str, str]:
        x = pad + step * i if len(points) > 1 else Decimal(width) / 2
        y = Decimal(height) / 2 if span == 0 else pad + (high - v) / span * (height - 2 * pad)
        return f"{x:.1f}", f"{y:.1f}"

    coords = [xy(i, v) for i, v in enumerate(points)]
    last_x, last_y = coords[-1]
    label = (
        f"Trend of the last {len(points)} values, from {measure(points[0], unit)} "
        f"to {measure(points[-1], unit)}"
        if len(points) > 1
        else f"One value: {measure(points[0], unit)}"
    )
    line = format_html_join(" ", "{},{}", coords)
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>"
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linejoin="round" stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
        '<circle cx="{}" cy="{}" r="2.2" fill="currentColor"/></svg>',
        css,
        width,
        height,
        width,
        height,
        label,
        label,
        line,
        last_x,
        last_y,
    )
