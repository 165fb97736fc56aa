from django.urls import path

from . import views

app_name = "selection"

base = "partnerships/<int:partnership_pk>/candidates/"
one = f"{base}<int:candidate_pk>/"

urlpatterns = [
    path(base, views.CandidateListView.as_view(), name="candidate_list"),
    path(f"{base}new/", views.CandidateCreateView.as_view(), name="candidate_create"),
    path(
        "partnerships/<int:partnership_pk>/selection/comparison/",
        views.ComparisonView.as_view(),
        name="comparison",
    ),
    path(one, views.CandidateDetailView.as_view(), name="candidate_detail"),
    path(f"{one}edit/", views.CandidateEditView.as_view(), name="candidate_edit"),
    path(f"{one}score/", views.CandidateScoreView.as_view(), name="candidate_score"),
    path(f"{one}decline/", views.CandidateDeclineView.as_view(), name="candidate_decline"),
    path(f"{one}choose/", views.CandidateChooseView.as_view(), name="candidate_choose"),
]
