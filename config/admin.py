from django.contrib import admin
from django.http import HttpRequest


class AccordAdminSite(admin.AdminSite):
    site_header = "Accord administration"
    site_title = "Accord admin"
    index_title = "Configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        # Administrators are a role (a group), not a flag someone must remember to tick.
        user = request.user
        return user.is_active and (user.is_superuser or getattr(user, "is_administrator", False))
