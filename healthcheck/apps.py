from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_defaults(sender, **kwargs) -> None:
    # The question set and the settings row exist from the start, and again after a flush
    # (tests that flush, `manage.py flush`). The reminders' default cadences first: they are made
    # only where no cadence exists at all, and this app's cadence would otherwise be the one.
    from django.db import connections

    from reminders.defaults import ensure_default_cadences

    from .defaults import ensure_questions, ensure_settings
    from .models import HealthCheckSettings

    using = kwargs.get("using", "default")
    if HealthCheckSettings._meta.db_table not in connections[using].introspection.table_names():
        return
    ensure_default_cadences()
    ensure_questions()
    ensure_settings()


class HealthcheckConfig(AppConfig):
    name = "healthcheck"
    verbose_name = "Joint health checks"

    def ready(self) -> None:
        post_migrate.connect(_ensure_defaults, sender=self)
        from celery import current_app
        from celery.schedules import crontab

        from partnerships.registry import Tab, register_demo_seeder, register_tab

        from . import demo, reminder_sources, views

        register_tab(
            Tab("health-checks", "Health checks", "healthcheck/tab.html", 55, views.tab_context)
        )
        reminder_sources.register()
        # After the portal's demo: the check asks the partner contacts it invited.
        register_demo_seeder(demo.seed, order=75)
        # Checks close by themselves at the end of their closing date (idempotent: a second
        # beat, or a check closed by hand meanwhile, closes nothing twice).
        current_app.add_periodic_task(
            crontab(minute="*/5"),
            current_app.signature("healthcheck.tasks.close_due"),
            name="healthcheck-close-due",
            expires=280,
        )
