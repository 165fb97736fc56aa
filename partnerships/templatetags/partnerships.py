import datetime
from collections.abc import Iterator

from django import forms, template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..registry import slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str) -> SafeString:
    """Render the fragments step apps registered for this place, with the current context.

    Rendering with the context itself (not a new RequestContext) keeps a slot inside a list's
    row from running every context processor again, once per row.
    """
    engine = context.template.engine
    return mark_safe("".join(engine.get_template(t).render(context) for t in slot_templates(name)))


@register.simple_tag
def stage_badge(stage: str, label: str) -> SafeString:
    return format_html('<span class="badge stage-badge stage-{}">{}</span>', stage, label)


@register.simple_tag
def due_date(due: datetime.date | None, today: datetime.date) -> SafeString:
    """A due date, marked overdue once it has passed. A tag, not an include: lists show it
    twice per row."""
    if not due:
        return mark_safe('<span class="text-body-secondary">—</span>')
    shown = date_format(due, "j M Y")
    if due < today:
        return format_html(
            '<span class="text-danger fw-semibold">{}</span> '
            '<span class="badge text-bg-danger">overdue</span>',
            shown,
        )
    return format_html("{}", shown)


def _choices(field: forms.Field) -> Iterator[tuple]:
    if not isinstance(field, forms.ModelChoiceField):
        yield from field.choices
        return
    # A model field's own iterator reads its rows through a server-side cursor (DECLARE, FETCH,
    # CLOSE: three round trips); a short list of options is read in one.
    if field.empty_label is not None:
        yield "", field.empty_label
    for obj in list(field.queryset):
        yield field.prepare_value(obj), field.label_from_instance(obj)


@register.simple_tag
def select_field(field) -> SafeString:
    """A filter's <select>, built in Python: Django's widget templates render every option
    through a template of its own, which made a list's filter bar most of its cost."""
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (str(v), mark_safe(" selected") if str(v) in chosen else "", label)
            for v, label in _choices(field.field)
        ),
    )
    return format_html(
        '<select class="form-select" name="{}" id="{}">{}</select>',
        field.html_name,
        field.id_for_label,
        options,
    )
