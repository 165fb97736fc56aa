from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Partner portal"

    def ready(self) -> None:
        from partnerships.registry import Tab, register_demo_seeder, register_tab
        from reminders.registry import (
            EmailTemplate,
            ReminderKind,
            ReminderSource,
            register_email,
            register_source,
        )

        from . import demo, emails, views

        register_tab(Tab("people", "Partner's people", "portal/tab.html", 45, views.tab_context))
        register_demo_seeder(demo.seed, order=70)
        # Notices only (sent as things happen, never due): registered so people can choose
        # whether they come by e-mail, like every other kind.
        register_source(
            ReminderSource(
                name="portal",
                kinds=(
                    ReminderKind(
                        "portal.activity",
                        "Partner activity in the portal",
                        "A partner contact marked an action item done, commented on it or "
                        "proposed a new due date, raised a concern, or replied in a shared "
                        "discussion.",
                    ),
                ),
                due=lambda window: [],
            )
        )
        register_email(
            EmailTemplate(
                kind="portal.link",
                template="portal/email/link",
                context=emails.link_context,
                always_email=True,
            )
        )
