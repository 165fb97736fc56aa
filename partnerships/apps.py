from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        # Imported for their side effect: they register the core's gates and reminder sources.
        from . import gates, reminder_sources  # noqa: F401
        from .registry import NavItem, register_nav

        register_nav(
            NavItem(
                "Partnerships",
                "partnerships:list",
                order=20,
            )
        )
        register_nav(NavItem("Organizations", "partnerships:organization_list", order=90))
