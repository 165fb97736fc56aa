from django.contrib import admin

from .models import Milestone, Opportunity, RenewalDecision


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "partnership",
        "target_date",
        "achieved_on",
        "value_amount",
        "value_unit",
    ]
    list_filter = ["achieved_on"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership"]
    raw_id_fields = ["partnership", "objective", "achieved_by", "created_by"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "status", "horizon", "estimated_value", "owner"]
    list_filter = ["status", "horizon"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership", "owner"]
    raw_id_fields = ["partnership", "owner", "source_thread", "created_by"]


@admin.register(RenewalDecision)
class RenewalDecisionAdmin(admin.ModelAdmin):
    """A record of who decided what: read only."""

    list_display = ["partnership", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["partnership", "decided_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
