from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.PartnershipListView.as_view(), name="list"),
    path("partnerships/export.csv", views.PartnershipExportView.as_view(), name="export"),
    path("partnerships/new/", views.PartnershipCreateView.as_view(), name="create"),
    path(
        "partnerships/<int:partnership_pk>/", views.PartnershipDetailView.as_view(), name="detail"
    ),
    path(
        "partnerships/<int:partnership_pk>/edit/",
        views.PartnershipUpdateView.as_view(),
        name="edit",
    ),
    path(
        "partnerships/<int:partnership_pk>/move/", views.PartnershipMoveView.as_view(), name="move"
    ),
    path(
        "partnerships/<int:partnership_pk>/timeline/",
        views.PartnershipTimelineView.as_view(),
        name="timeline",
    ),
    path(
        "partnerships/<int:partnership_pk>/tab/<slug:tab>/",
        views.PartnershipDetailView.as_view(),
        name="tab",
    ),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization_create"),
    path(
        "organizations/<int:pk>/",
        views.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path(
        "organizations/<int:pk>/edit/",
        views.OrganizationUpdateView.as_view(),
        name="organization_edit",
    ),
    path(
        "organizations/<int:organization_pk>/contacts/new/",
        views.ContactCreateView.as_view(),
        name="contact_create",
    ),
    path(
        "organizations/<int:organization_pk>/contacts/<int:pk>/edit/",
        views.ContactUpdateView.as_view(),
        name="contact_edit",
    ),
    path(
        "organizations/<int:organization_pk>/contacts/<int:pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path(
        "organizations/<int:organization_pk>/contacts/<int:pk>/retire/",
        views.ContactRetireView.as_view(),
        name="contact_retire",
    ),
    path(
        "organizations/<int:organization_pk>/contacts/<int:pk>/reassign/",
        views.ContactReassignView.as_view(),
        name="contact_reassign",
    ),
]
