"""Administrators keep the question set and the settings here, and can look at the checks: who
was asked and whether they answered, the frozen results. What anyone answered is never shown:
answer sets have no admin page at all."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from reminders.admin import OffsetsField

from . import services
from .models import (
    MAX_OPEN_QUESTIONS,
    HealthCheck,
    HealthCheckSettings,
    Kind,
    Participant,
    Question,
    TooManyOpenQuestions,
)


class QuestionListFormSet(BaseModelFormSet):
    """The changelist's Active boxes: each row's own check counts the others as they are in the
    database, so ticking two inactive open questions at once would pass row by row. Counted
    here as the whole page will leave them."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        on_page = [f for f in self.forms if f.instance.pk is not None]
        elsewhere = (
            Question.objects.filter(kind=Kind.OPEN, active=True)
            .exclude(pk__in=[f.instance.pk for f in on_page])
            .count()
        )
        ticked = sum(
            1
            for f in on_page
            if f.instance.kind == Kind.OPEN and f.cleaned_data.get("active", f.instance.active)
        )
        if elsewhere + ticked > MAX_OPEN_QUESTIONS:
            raise ValidationError(
                f"A health check asks at most {MAX_OPEN_QUESTIONS} open questions: this would "
                f"leave {elsewhere + ticked} active. Leave at most {MAX_OPEN_QUESTIONS} ticked."
            )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The statements (four areas, rated 1–5 with an optional comment) and the open questions.
    A check copies the active ones when it opens: editing them changes no check under way."""

    list_display = ("text", "kind", "area", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("kind", "area", "active")
    search_fields = ("text",)
    ordering = ("kind", "area", "position", "pk")

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=QuestionListFormSet, **kwargs)

    # Another administrator's save can still win between the form's check and this one's save;
    # Question.save refuses it under its lock, and the page says so instead of a server error.
    def changelist_view(self, request: HttpRequest, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except TooManyOpenQuestions as exc:
            return self._refused(request, exc)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except TooManyOpenQuestions as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: ValidationError) -> HttpResponseRedirect:
        messages.error(request, " ".join(exc.messages) + " Nothing was saved.")
        return HttpResponseRedirect(request.get_full_path())


class HealthCheckSettingsForm(forms.ModelForm):
    answer_reminder_offsets = OffsetsField(
        label="Reminders before the closing date",
        help_text="Days before a check's closing date to remind those who have not answered, "
        "separated by commas, for example 7, 3, 1.",
    )

    class Meta:
        model = HealthCheckSettings
        fields = ["cadence", "answer_reminder_offsets"]


@admin.register(HealthCheckSettings)
class HealthCheckSettingsAdmin(admin.ModelAdmin):
    """One row: how often each partnership should run a check (a cadence of the “Joint health
    checks” purpose, edited under Cadences like the others) and when to remind participants."""

    form = HealthCheckSettingsForm

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        moved = services.sync_due_dates(obj)
        if moved:
            messages.info(request, f"{moved} partnership's next health check due date moved.")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        row = HealthCheckSettings.load()
        return HttpResponseRedirect(
            reverse("admin:healthcheck_healthchecksettings_change", args=[row.pk])
        )


class ParticipantInline(admin.TabularInline):
    """Who was asked and whether they answered; never what."""

    model = Participant
    fields = ("user", "side", "answered")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(boolean=True, description="Answered")
    def answered(self, obj: Participant) -> bool:
        return obj.has_answered

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(HealthCheck)
class HealthCheckAdmin(admin.ModelAdmin):
    list_display = (
        "partnership",
        "status",
        "opens_on",
        "closes_on",
        "answered",
        "our_average",
        "partner_average",
        "widest_gap_area",
        "widest_gap",
    )
    list_filter = ("status", "widest_gap_area")
    search_fields = ("partnership__name",)
    list_select_related = ("partnership",)
    fields = (
        "partnership",
        "status",
        "opened_by",
        "opened_at",
        "closes_on",
        "closes_at",
        "min_answers",
        "closed_at",
        "closed_by",
        "closed_because",
        "our_average",
        "partner_average",
        "widest_gap_area",
        "widest_gap",
        "next_due_on",
    )
    readonly_fields = fields
    inlines = [ParticipantInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                asked=Count("participants"),
                done=Count("participants", filter=Q(participants__answered_at__isnull=False)),
            )
        )

    @admin.display(description="Answered")
    def answered(self, obj: HealthCheck) -> str:
        return f"{obj.done} of {obj.asked}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
