from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """E-mail sign-in, and every permission for the Administrator role.

    Permissions are created after migrations run, so a migration cannot hand them to the
    Administrator group; granting them here keeps the role complete as models are added.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        from .sso import sso_required  # sso imports this module

        if username and sso_required(str(username)):
            return None  # their organisation's provider is the only way in
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # Checked again on the account found: PostgreSQL's case folding matches spellings of the
        # address (``ſ`` for ``s``) that the typed check above does not see as the same domain.
        if user is not None and sso_required(user.email):
            return None
        return user

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if user_obj.is_active and getattr(user_obj, "is_administrator", False):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if user_obj.is_active and getattr(user_obj, "is_administrator", False):
            return True
        return super().has_module_perms(user_obj, app_label)
