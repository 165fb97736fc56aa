from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, administrators included: RoleBackend grants the Administrator
    role every permission, so the refusal is here rather than in the permissions."""

    list_display = ("at", "who", "action", "target_label", "ip_address")
    list_filter = ("action", "target_type", ("actor", admin.EmptyFieldListFilter))
    search_fields = ("actor_email", "target_label", "=target_id", "user_agent")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    list_per_page = 100
    show_full_result_count = False  # a count of a long log is a slow query for a number
    fields = (
        "at",
        "actor",
        "actor_email",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "ip_address",
        "user_agent",
        "extra",
    )
    readonly_fields = fields

    @admin.display(description="Who", ordering="actor_email")
    def who(self, event: AuditEvent) -> str:
        return event.actor_email or "system"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
