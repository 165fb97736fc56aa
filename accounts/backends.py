from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router


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

    def get_user(self, user_id):
        """The signed-in user of every request, read in plain SQL (as the session and the roles
        are): building the query through the ORM took longer than PostgreSQL took to answer."""
        model = get_user_model()
        meta = model._meta
        qn = connections[router.db_for_read(model)].ops.quote_name
        columns = ", ".join(qn(f.column) for f in meta.concrete_fields)
        sql = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {qn(meta.pk.column)} = %s"
        user = next(iter(model._default_manager.raw(sql, [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if user_obj.is_active and getattr(user_obj, "is_administrator", False):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if user_obj.is_active and getattr(user_obj, "is_administrator", False):
            return True
        return super().has_module_perms(user_obj, app_label)
