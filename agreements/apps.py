from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        from partnerships.models import Stage
        from partnerships.registry import (
            NavItem,
            Tab,
            register_demo_seeder,
            register_gate,
            register_nav,
            register_tab,
        )

        from . import contact_uses, reminder_sources
        from .completeness import signed_agreement_gate
        from .demo import seed_demo_agreements
        from .views import tab_context

        register_gate(Stage.ACTIVE, signed_agreement_gate)
        register_tab(Tab("agreement", "Agreement", "agreements/tab.html", 30, tab_context))
        register_nav(NavItem("Agreements", "agreements:list", order=30))
        register_demo_seeder(seed_demo_agreements, order=30)
        reminder_sources.register()
        contact_uses.register()
