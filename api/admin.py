from django.contrib import admin, messages
from django.http import HttpRequest

from . import tokens
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's tokens: administrators see and revoke them; nobody makes one here (a token's
    secret is shown once, to its user, on their profile)."""

    list_display = ("name", "user", "prefix", "read_only", "created_at", "expires_at",
                    "last_used_at", "revoked_at")  # fmt: skip
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "user__email", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "read_only", "prefix", "created_at", "expires_at",
                       "last_used_at", "last_used_ip", "revoked_at", "revoked_by")  # fmt: skip
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens (at once)")
    def revoke(self, request, queryset) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.token_revoke(token=token, by=request.user)
            count += 1
        self.message_user(
            request, f"{count} token{'s' if count != 1 else ''} revoked.", messages.SUCCESS
        )
