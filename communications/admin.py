from django.contrib import admin

from .models import ActionItem, CheckIn, Concern, Escalation, ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ["severity", "hours_to_first_response", "hours_to_resolution"]
    list_editable = ["hours_to_first_response", "hours_to_resolution"]
    ordering = ["hours_to_first_response"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # every severity needs a target


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["partnership", "held_on", "kind", "sentiment", "timeliness", "shared"]
    list_filter = ["kind", "timeliness", "shared"]
    list_select_related = ["partnership"]
    raw_id_fields = ["partnership", "logged_by"]
    filter_horizontal = ["attendees", "partner_attendees"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "party", "owner", "due_on", "status"]
    list_filter = ["status", "party"]
    list_select_related = ["partnership", "owner"]
    raw_id_fields = ["partnership", "check_in", "owner", "owner_contact", "created_by"]


class EscalationInline(admin.TabularInline):
    model = Escalation
    extra = 0
    raw_id_fields = ["step", "notify", "by"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "severity", "raised_at", "resolved_at"]
    list_filter = ["severity", "kind", "raised_by"]
    list_select_related = ["partnership"]
    raw_id_fields = ["partnership", "check_in", "owner", "created_by"]
    inlines = [EscalationInline]
