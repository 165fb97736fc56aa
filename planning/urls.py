from django.urls import path

from . import views

app_name = "planning"

P = "partnerships/<int:partnership_pk>/relationship/"
MS = P + "milestones/<int:milestone_pk>/"
OPP = P + "opportunities/<int:opportunity_pk>/"

urlpatterns = [
    path("successes/", views.SuccessListView.as_view(), name="successes"),
    path("opportunities/", views.OpportunityListView.as_view(), name="opportunities"),
    path(P + "milestones/new/", views.MilestoneCreateView.as_view(), name="milestone_create"),
    path(MS + "edit/", views.MilestoneUpdateView.as_view(), name="milestone_edit"),
    path(MS + "achieve/", views.MilestoneAchieveView.as_view(), name="milestone_achieve"),
    path(MS + "delete/", views.MilestoneDeleteView.as_view(), name="milestone_delete"),
    path(
        P + "opportunities/new/", views.OpportunityCreateView.as_view(), name="opportunity_create"
    ),
    path(OPP + "edit/", views.OpportunityUpdateView.as_view(), name="opportunity_edit"),
    path(
        P + "ideas/<int:thread_pk>/make-opportunity/",
        views.OpportunityFromIdeaView.as_view(),
        name="opportunity_from_idea",
    ),
    path(P + "renewal/", views.RenewalDecisionView.as_view(), name="renewal_decide"),
]
