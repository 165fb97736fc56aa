from django.contrib import admin
from django.urls import include, path

from partnerships import views as partnership_views
from reminders import views as reminder_views

urlpatterns = [
    path("", partnership_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", reminder_views.health, name="health"),
    path("", include("api.urls")),
    path("", include("portal.urls")),
    path("", include("partnerships.urls")),
    path("", include("objectives.urls")),
    path("", include("selection.urls")),
    path("", include("agreements.urls")),
    path("", include("communications.urls")),
    path("", include("reviews.urls")),
    path("", include("planning.urls")),
    path("", include("healthcheck.urls")),
    path("", include("portfolio.urls")),
    path("", include("reminders.urls")),
]

handler404 = "api.errors.page_not_found"
handler500 = "partnerships.views.server_error"
