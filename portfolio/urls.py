from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/health/", views.HealthListView.as_view(), name="health"),
    path("dashboard/due/", views.DueListView.as_view(), name="due"),
]
