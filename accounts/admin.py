from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa, throttle
from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "time_zone")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    list_display = ("email", "full_name", "roles", "time_zone", "is_active", "last_login")
    list_filter = ("groups", "is_active")
    search_fields = ("email", "full_name")
    ordering = ("full_name",)
    filter_horizontal = ("groups",)
    actions = ["unlock_sign_in", "reset_second_factor"]
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "time_zone")}),
        (
            "Role",
            {
                "fields": ("groups", "is_active", "is_superuser"),
                "description": "Roles are groups: Executive, Partner manager, Administrator.",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "time_zone", "password1", "password2", "groups"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all()) or "—"

    @admin.action(description="Unlock sign-in (lift every lock on these accounts)")
    def unlock_sign_in(self, request, queryset) -> None:
        for user in queryset:
            throttle.unlock(username=user.email, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            f"Sign-in unlocked for {count} account{'s' if count != 1 else ''}. "
            "Locks on an address (password spraying) lift with manage.py unlock_sign_in --ip.",
            messages.SUCCESS,
        )

    @admin.action(description="Reset second factor (they enrol again at next sign-in)")
    def reset_second_factor(self, request, queryset) -> None:
        for user in queryset:
            mfa.reset(user=user, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            f"Second factor reset for {count} account{'s' if count != 1 else ''}.",
            messages.SUCCESS,
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            kwargs["widget"] = forms.Select(choices=db_field.choices)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# Factors change only through accounts.mfa (the reset above), so every change is audited.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
