from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_targets(sender, **kwargs) -> None:
    # A database flushed after migrating (tests that flush, `manage.py flush`) loses what the
    # data migration put in; every severity needs a target, so put the defaults back.
    from django.db import connections

    from .models import DEFAULT_TARGETS, ResponseTarget

    using = kwargs.get("using", "default")
    if ResponseTarget._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the table existed
    if not ResponseTarget.objects.using(using).exists():
        ResponseTarget.objects.using(using).bulk_create(
            ResponseTarget(severity=s, hours_to_first_response=r, hours_to_resolution=h)
            for s, (r, h) in DEFAULT_TARGETS.items()
        )


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = "Communication"

    def ready(self) -> None:
        post_migrate.connect(_ensure_targets, sender=self)
        from partnerships import access
        from partnerships.registry import (
            NavItem,
            Tab,
            register_demo_seeder,
            register_nav,
            register_slot,
            register_tab,
        )

        from . import contact_uses, demo, reminder_sources, views

        register_tab(
            Tab("communication", "Communication", "communications/tab.html", 40, views.tab_context)
        )
        register_nav(
            NavItem(
                "My action items",
                "communications:my_actions",
                order=40,
                visible=access.can_use_partnerships,
            )
        )
        register_demo_seeder(demo.seed, order=40)
        register_slot("overview.check_ins", "communications/_overview_check_ins.html", 40)
        register_slot("overview.end", "communications/_overview_end.html", 40)
        register_slot("list.check_in_cell", "communications/_list_check_in_cell.html", 40)
        register_slot("list.end", "communications/_quick_log_modal.html", 40)
        reminder_sources.register()
        contact_uses.register()
