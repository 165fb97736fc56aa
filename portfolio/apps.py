from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_settings(sender, **kwargs) -> None:
    # The one row of health settings exists from the start (pages read it, never create it),
    # and again after a flush (tests that flush, `manage.py flush`).
    from django.db import connections

    from .models import HealthSettings

    using = kwargs.get("using", "default")
    if HealthSettings._meta.db_table in connections[using].introspection.table_names():
        HealthSettings.objects.using(using).get_or_create(pk=1)


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        post_migrate.connect(_ensure_settings, sender=self)
        from celery import current_app
        from celery.schedules import crontab

        from partnerships import access
        from partnerships.registry import (
            NavItem,
            Tab,
            register_demo_seeder,
            register_nav,
            register_tab,
        )

        from . import demo, digest, views

        register_nav(
            NavItem(
                "Dashboard", "portfolio:dashboard", order=10, visible=access.can_use_partnerships
            )
        )
        register_tab(Tab("health", "Health", "portfolio/tab.html", 5, views.tab_context))
        digest.register()
        # Last: it scores what every step's demo data made.
        register_demo_seeder(demo.seed, order=1000)
        # The stored scores the dashboard reads; today's snapshot is rewritten by each run, so
        # the day's last run is its point on the trend.
        current_app.add_periodic_task(
            crontab(minute="*/30"),
            current_app.signature("portfolio.tasks.refresh_health"),
            name="portfolio-refresh-health",
            expires=1500,
        )
