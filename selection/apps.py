from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "Partner selection"

    def ready(self) -> None:
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
