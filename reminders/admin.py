from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import Truncator

from . import services
from .models import Cadence, Heartbeat, Reminder, ReminderSettings, Status


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


class ReminderSettingsForm(forms.ModelForm):
    notice_offsets = OffsetsField(
        label="Agreement notice offsets",
        help_text="Days before an agreement's notice deadline (expiry minus notice period, not "
        "the expiry), separated by commas, for example 90, 30, 7.",
    )

    class Meta:
        model = ReminderSettings
        fields = ["reminder_time", "digest_weekday", "digest_time", "notice_offsets"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """One row: the send time, the digest's day and time, the notice offsets."""

    form = ReminderSettingsForm
    fieldsets = [
        ("Reminders", {"fields": ["reminder_time", "notice_offsets"]}),
        ("Weekly digest for executives", {"fields": ["digest_weekday", "digest_time"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        row = ReminderSettings.load()
        return HttpResponseRedirect(
            reverse("admin:reminders_remindersettings_change", args=[row.pk])
        )


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "recipient",
        "remind_on",
        "status",
        "attempts",
        "sent_at",
        "error",
    )
    list_filter = ("status", "kind", "remind_on")
    search_fields = ("title", "subject_key", "recipient__email", "recipient__full_name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [f.name for f in Reminder._meta.fields]
    show_full_result_count = False  # no COUNT(*) of a large outbox on every page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Last error")
    def error(self, obj: Reminder) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.action(description="Send again (failed reminders only)")
    def send_again(self, request: HttpRequest, queryset) -> None:
        ids = list(queryset.filter(status=Status.FAILED).values_list("pk", flat=True))
        count = services.reminders_send_again(ids=ids)
        skipped = queryset.count() - count
        if count:
            self.message_user(request, f"{count} failed reminder(s) will be sent again.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected reminder(s) had not failed and were left as they are.",
                messages.WARNING,
            )
