from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from . import tasks
from .models import HealthSettings


@admin.register(HealthSettings)
class HealthSettingsAdmin(admin.ModelAdmin):
    """One row: the weight of each part of the health score, and where the bands start. A part
    with no data yet is left out of a partnership's score and the other weights rescale."""

    fieldsets = [
        (
            "Weights of the parts",
            {
                "fields": [
                    "kpi_weight",
                    "cadence_weight",
                    "concerns_weight",
                    "actions_weight",
                    "sentiment_weight",
                    "partner_view_weight",
                ],
                "description": "Relative weights (0–100 each; they need not add up to 100, "
                "but not to zero).",
            },
        ),
        ("Bands", {"fields": ["healthy_from", "at_risk_below"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # The dashboard reads stored scores: rescore now rather than at the next beat, but in a
        # worker: every live partnership's score is too much work for a request.
        tasks.refresh_health_after_commit()
        messages.info(
            request,
            "The health of every live partnership is being recomputed with these settings; the "
            "dashboard shows the new scores in a minute or two.",
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        row = HealthSettings.load()
        return HttpResponseRedirect(reverse("admin:portfolio_healthsettings_change", args=[row.pk]))
