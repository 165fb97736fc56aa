from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import pages, views

app_name = "api"

# Path converters, not regexes: the schema then says the ids are integers.
P = "partnerships/<int:partnership_pk>/"
router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register(P + "objectives", views.ObjectiveViewSet, basename="objective")
router.register(P + "kpis", views.KPIViewSet, basename="kpi")
router.register(
    P + "kpis/<int:kpi_pk>/measurements", views.MeasurementViewSet, basename="measurement"
)
router.register(P + "check-ins", views.CheckInViewSet, basename="check-in")
router.register(P + "action-items", views.ActionItemViewSet, basename="action-item")
router.register(P + "concerns", views.ConcernViewSet, basename="concern")
router.register(P + "reviews", views.ReviewViewSet, basename="review")

V1 = "api/v1/"
urlpatterns = [
    # The schema is public: it describes, it holds no data; schema tools fetch it without a token.
    path(
        V1 + "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path(V1 + "docs/", pages.ReferenceView.as_view(), name="docs"),
    path(V1 + "portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path(
        V1 + "partnerships/<int:partnership_pk>/measurements/batch/",
        views.MeasurementBatchView.as_view(),
        name="measurement-batch",
    ),
    path(
        V1 + "partnerships/<int:partnership_pk>/health/", views.HealthView.as_view(), name="health"
    ),
    path("accounts/tokens/", pages.TokenListView.as_view(), name="tokens"),
    path("accounts/tokens/new/", pages.TokenCreateView.as_view(), name="token_create"),
    path("accounts/tokens/<int:pk>/revoke/", pages.TokenRevokeView.as_view(), name="token_revoke"),
]
urlpatterns += [path(V1, include(router.urls))]
