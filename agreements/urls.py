from django.urls import path

from . import views

app_name = "agreements"

P = "partnerships/<int:partnership_pk>/agreements/"
A = P + "<int:agreement_pk>/"

urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="list"),
    path("agreements/export.csv", views.AgreementExportView.as_view(), name="export"),
    path(P + "new/", views.AgreementCreateView.as_view(), name="create"),
    path(P + "compare/", views.AgreementCompareView.as_view(), name="compare"),
    path(A, views.AgreementDetailView.as_view(), name="detail"),
    path(A + "edit/", views.AgreementUpdateView.as_view(), name="edit"),
    path(A + "status/", views.AgreementStatusView.as_view(), name="status"),
    path(A + "discard/", views.AgreementDiscardView.as_view(), name="discard"),
    path(A + "sign/", views.AgreementSignView.as_view(), name="sign"),
    path(A + "history/", views.AgreementHistoryView.as_view(), name="history"),
    path(A + "document/", views.DocumentDownloadView.as_view(), name="document"),
    path(A + "document/upload/", views.DocumentUploadView.as_view(), name="document_upload"),
    path(
        A + "responsibilities/new/",
        views.ResponsibilityCreateView.as_view(),
        name="responsibility_create",
    ),
    path(
        A + "responsibilities/<int:responsibility_pk>/edit/",
        views.ResponsibilityUpdateView.as_view(),
        name="responsibility_edit",
    ),
    path(
        A + "responsibilities/<int:responsibility_pk>/delete/",
        views.ResponsibilityDeleteView.as_view(),
        name="responsibility_delete",
    ),
    path(A + "plan/", views.PlanEditView.as_view(), name="plan_edit"),
    path(A + "ladder/new/", views.StepCreateView.as_view(), name="step_create"),
    path(A + "ladder/<int:step_pk>/edit/", views.StepUpdateView.as_view(), name="step_edit"),
    path(A + "ladder/<int:step_pk>/delete/", views.StepDeleteView.as_view(), name="step_delete"),
]
