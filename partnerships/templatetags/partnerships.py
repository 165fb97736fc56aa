from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from ..registry import slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str) -> SafeString:
    """Render the fragments step apps registered for this place, with the current context."""
    flat = context.flatten()
    request = context.get("request")
    return mark_safe("".join(get_template(t).render(flat, request) for t in slot_templates(name)))
