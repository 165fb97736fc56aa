from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = "Communication"

    def ready(self) -> None:
        from partnerships import access
        from partnerships.registry import (
            NavItem,
            Tab,
            register_demo_seeder,
            register_nav,
            register_tab,
        )

        from . import demo, reminder_sources, views

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
        reminder_sources.register()
