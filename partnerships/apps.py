from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        from . import gates  # noqa: F401  registers the core's own gate checks
        from . import reminder_sources  # noqa: F401  check-in and review reminders
        from .registry import NavItem, register_nav

        register_nav(
            NavItem(
                "Partnerships",
                "partnerships:list",
                order=20,
            )
        )
        register_nav(NavItem("Organizations", "partnerships:organization_list", order=90))
