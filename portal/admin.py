from django.contrib import admin

from partnerships.models import PortalAccess


@admin.register(PortalAccess)
class PortalAccessAdmin(admin.ModelAdmin):
    list_display = (
        "contact",
        "partnership",
        "invited_at",
        "joined_at",
        "last_seen_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("contact__name", "contact__email", "partnership__name")
    list_select_related = ("contact", "partnership")
    readonly_fields = ("invited_at", "last_sent_at", "joined_at", "last_seen_at", "invited_by")
    raw_id_fields = ("partnership", "contact", "revoked_by")
