from django.contrib import admin

from .models import KPI, Decision, Measurement, Review, Snapshot


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "unit", "direction", "baseline", "target", "frequency"]
    list_filter = ["direction", "frequency"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]
    raw_id_fields = ["partnership", "objective", "owner"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["kpi", "period", "value", "recorded_by", "recorded_at"]
    list_select_related = ["kpi", "recorded_by"]
    date_hierarchy = "period"
    raw_id_fields = ["kpi", "recorded_by"]


class SnapshotInline(admin.TabularInline):
    model = Snapshot
    extra = 0
    can_delete = False
    fields = ["kpi_name", "as_of", "period", "value", "attainment", "status"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a snapshot is taken by holding the review, never by hand


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["text", "kind", "action_item", "objective", "reason", "recorded_by"]
    raw_id_fields = ["action_item", "objective", "recorded_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["partnership", "kind", "due_on", "held_on", "rating"]
    list_filter = ["kind"]
    list_select_related = ["partnership"]
    raw_id_fields = ["partnership", "held_by", "created_by"]
    filter_horizontal = ["attendees", "partner_attendees"]
    inlines = [SnapshotInline, DecisionInline]
