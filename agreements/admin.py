from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, CommunicationPlan, EscalationStep, Responsibility


class ReadOnly:
    """Agreements change through Accord's pages, whose services keep signed versions read-only;
    the admin only shows them and their history."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ResponsibilityInline(ReadOnly, admin.TabularInline):
    model = Responsibility
    extra = 0
    raw_id_fields = ["accountable_user", "accountable_contact"]


class StepInline(ReadOnly, admin.TabularInline):
    model = EscalationStep
    extra = 0
    raw_id_fields = ["our_person", "partner_person"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = [
        "partnership",
        "version",
        "title",
        "status",
        "effective_date",
        "notice_deadline",
    ]
    list_filter = ["status"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership"]
    raw_id_fields = ["partnership", "signed_by", "created_by"]
    readonly_fields = ["notice_deadline", "document", "document_name", "document_size"]
    inlines = [ResponsibilityInline, StepInline]


@admin.register(CommunicationPlan)
class CommunicationPlanAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["agreement", "check_in_cadence", "review_cadence"]
    list_select_related = ["agreement", "check_in_cadence", "review_cadence"]
    raw_id_fields = ["agreement", "our_lead", "partner_lead"]
