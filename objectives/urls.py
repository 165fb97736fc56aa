from django.urls import path

from . import views

app_name = "objectives"

base = "partnerships/<int:partnership_pk>/objectives/"

urlpatterns = [
    path(base, views.ObjectiveListView.as_view(), name="list"),
    path(f"{base}new/", views.ObjectiveCreateView.as_view(), name="create"),
    path(f"{base}<int:objective_pk>/edit/", views.ObjectiveUpdateView.as_view(), name="edit"),
    path(f"{base}<int:objective_pk>/delete/", views.ObjectiveDeleteView.as_view(), name="delete"),
    path(f"{base}alignment/", views.AlignmentView.as_view(), name="alignment"),
    path(f"{base}alignment/link/", views.AlignmentCreateView.as_view(), name="alignment_create"),
    path(
        f"{base}alignment/<int:alignment_pk>/edit/",
        views.AlignmentEditView.as_view(),
        name="alignment_edit",
    ),
    path(
        f"{base}alignment/<int:alignment_pk>/delete/",
        views.AlignmentDeleteView.as_view(),
        name="alignment_delete",
    ),
]
