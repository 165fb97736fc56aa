from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs) -> None:
    from .roles import ensure_roles

    ensure_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, sender=self)
        # Every app's writes drop the token cached pages are keyed on (config/data_version.py).
        from config import data_version

        data_version.install()
        from . import receivers  # noqa: F401
