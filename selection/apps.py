from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_defaults(sender, **kwargs) -> None:
    from .defaults import ensure_default_criteria

    ensure_default_criteria()


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "Partner selection"

    def ready(self) -> None:
        post_migrate.connect(_ensure_defaults, sender=self)
        from partnerships.registry import Tab, register_demo_seeder, register_tab

        from . import demo, views

        register_tab(
            Tab(
                slug="selection",
                label="Selection",
                template="selection/tab.html",
                order=20,
                context=views.tab_context,
            )
        )
        register_demo_seeder(demo.seed, order=20)
