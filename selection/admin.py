from django.contrib import admin

from .models import Criterion


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """Administrators set what candidates are scored on, and how much each criterion counts.
    Changing a weight changes every comparison at once: scores are weighted when read."""

    list_display = ("name", "group", "weight", "active", "position")
    list_editable = ("weight", "active", "position")
    list_filter = ("group", "active")
    search_fields = ("name",)
    fields = ("name", "group", "weight", "guidance", "active", "position")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting would lose the scores given on it; untick "active" instead.
        if obj is not None and obj.scores.exists():
            return False
        return super().has_delete_permission(request, obj)
