from django.urls import path

from . import views

app_name = "reviews"

P = "partnerships/<int:partnership_pk>/performance/"
K = P + "kpis/<int:kpi_pk>/"
R = P + "reviews/<int:review_pk>/"

urlpatterns = [
    path("reviews/", views.ReviewScheduleView.as_view(), name="list"),
    path(P + "kpis/", views.KPIListView.as_view(), name="kpis"),
    path(P + "kpis/new/", views.KPICreateView.as_view(), name="kpi_create"),
    path(P + "kpis/import/", views.ImportView.as_view(), name="import"),
    path(P + "kpis/export.csv", views.ExportView.as_view(), name="export"),
    path(K, views.KPIDetailView.as_view(), name="kpi"),
    path(K + "edit/", views.KPIUpdateView.as_view(), name="kpi_edit"),
    path(K + "delete/", views.KPIDeleteView.as_view(), name="kpi_delete"),
    path(K + "share/", views.KPIShareView.as_view(), name="kpi_share"),
    path(
        P + "measurements/<int:measurement_pk>/edit/",
        views.MeasurementUpdateView.as_view(),
        name="measurement_edit",
    ),
    path(
        P + "measurements/<int:measurement_pk>/delete/",
        views.MeasurementDeleteView.as_view(),
        name="measurement_delete",
    ),
    path(P + "reviews/", views.PartnershipReviewListView.as_view(), name="partnership_reviews"),
    path(P + "reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path(R, views.ReviewDetailView.as_view(), name="review"),
    path(R + "hold/", views.ReviewHoldView.as_view(), name="review_hold"),
    path(R + "cancel/", views.ReviewCancelView.as_view(), name="review_cancel"),
    path(R + "pack/", views.ReviewPackView.as_view(), name="review_pack"),
    path(R + "decisions/new/", views.DecisionCreateView.as_view(), name="decision_create"),
]
