from django import forms
from django.contrib import admin

from .models import Cadence, Heartbeat


class OffsetsField(forms.CharField):
    """Offsets as “14, 3, 1” in the form, a list of integers in the database."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        items = [part.strip() for part in (value or "").replace(";", ",").split(",")]
        result = []
        for item in items:
            if not item:
                continue
            try:
                result.append(int(item))
            except ValueError as exc:
                raise forms.ValidationError(f"“{item}” is not a whole number of days.") from exc
        return result


class CadenceForm(forms.ModelForm):
    reminder_offsets = OffsetsField(
        label="Reminder offsets",
        help_text="Days before the due date, separated by commas, for example 14, 3, 1.",
    )

    class Meta:
        model = Cadence
        fields = [
            "name",
            "purpose",
            "frequency",
            "interval_weeks",
            "reminder_offsets",
            "escalate_after_days",
        ]


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    form = CadenceForm
    list_display = ("name", "purpose", "describe", "offsets", "escalate_after_days")
    list_filter = ("purpose", "frequency")
    search_fields = ("name",)

    @admin.display(description="Reminders (days before)")
    def offsets(self, obj: Cadence) -> str:
        return ", ".join(str(v) for v in obj.reminder_offsets)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "last_seen")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
