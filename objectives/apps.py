from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Objectives"

    def ready(self) -> None:
        from partnerships.models import Stage
        from partnerships.registry import Tab, register_demo_seeder, register_gate, register_tab

        from . import demo, views
        from .selectors import measurable_gate

        register_gate(Stage.SELECTING, measurable_gate)
        register_tab(
            Tab(
                slug="objectives",
                label="Objectives",
                template="objectives/tab.html",
                order=10,
                context=views.tab_context,
            )
        )
        register_demo_seeder(demo.seed, order=10)
