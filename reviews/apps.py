from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Performance and reviews"

    def ready(self) -> None:
        from partnerships import access
        from partnerships.registry import (
            NavItem,
            Tab,
            register_demo_seeder,
            register_nav,
            register_tab,
        )

        from . import contact_uses, demo, views

        register_tab(Tab("performance", "Performance", "reviews/tab.html", 50, views.tab_context))
        register_nav(
            NavItem("Reviews", "reviews:list", order=50, visible=access.can_use_partnerships)
        )
        register_demo_seeder(demo.seed, order=50)
        contact_uses.register()
