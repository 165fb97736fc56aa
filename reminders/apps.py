from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_defaults(sender, **kwargs) -> None:
    from .defaults import ensure_default_cadences

    ensure_default_cadences()


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders and cadences"

    def ready(self) -> None:
        post_migrate.connect(_ensure_defaults, sender=self)
        from . import digest

        digest.register()
