from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Relationship"

    def ready(self) -> None:
        from celery import current_app
        from celery.schedules import crontab

        from partnerships.registry import Tab, register_demo_seeder, register_slot, register_tab

        from . import demo, reminder_sources, views

        register_tab(
            Tab("relationship", "Relationship", "planning/tab.html", 60, views.tab_context)
        )
        register_slot("thread.idea", "planning/_idea_opportunity.html", 60)
        register_demo_seeder(demo.seed, order=60)
        reminder_sources.register()
        # Daily, early: partnerships whose notice deadline arrived move to renewing (idempotent,
        # so a second beat or a re-run moves nothing twice).
        current_app.add_periodic_task(
            crontab(hour=4, minute=10),
            current_app.signature("planning.tasks.open_renewals"),
            name="planning-open-renewals",
            expires=3600,
        )
