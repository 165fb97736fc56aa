from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Partner portal"

    def ready(self) -> None:
        from healthcheck.models import Side
        from healthcheck.reminder_sources import answer_source
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
        # The joint health check's notices to partner contacts: to the portal's answer page, by
        # an e-mail that carries a fresh sign-in link.
        register_source(
            answer_source(
                "portal.healthcheck",
                side=Side.PARTNER,
                asked_kind=emails.HEALTHCHECK_ASKED,
                reminder_kind=emails.HEALTHCHECK_REMINDER,
                viewname="portal:healthcheck_answer",
                who="the partner's people",
            )
        )
        for kind in (emails.HEALTHCHECK_ASKED, emails.HEALTHCHECK_REMINDER):
            register_email(
                EmailTemplate(
                    kind=kind,
                    template="portal/email/healthcheck",
                    context=emails.healthcheck_context,
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
