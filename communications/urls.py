from django.urls import path

from . import views

app_name = "communications"

P = "partnerships/<int:partnership_pk>/communication/"

urlpatterns = [
    path("action-items/", views.MyActionItemsView.as_view(), name="my_actions"),
    path(P + "check-ins/", views.CheckInListView.as_view(), name="check_ins"),
    path(P + "check-ins/log/", views.CheckInLogView.as_view(), name="log"),
    path(P + "check-ins/<int:check_in_pk>/", views.CheckInDetailView.as_view(), name="check_in"),
    path(
        P + "check-ins/<int:check_in_pk>/share/",
        views.CheckInShareView.as_view(),
        name="check_in_share",
    ),
    path(P + "actions/", views.ActionListView.as_view(), name="actions"),
    path(P + "actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path(P + "actions/<int:action_pk>/", views.ActionUpdateView.as_view(), name="action_edit"),
    path(
        P + "actions/<int:action_pk>/comment/",
        views.ActionCommentView.as_view(),
        name="action_comment",
    ),
    path(
        P + "actions/<int:action_pk>/proposals/<int:proposal_pk>/",
        views.ProposalDecideView.as_view(),
        name="proposal_decide",
    ),
    path(
        P + "actions/<int:action_pk>/status/",
        views.ActionStatusView.as_view(),
        name="action_status",
    ),
    path(P + "concerns/", views.ConcernListView.as_view(), name="concerns"),
    path(P + "concerns/new/", views.ConcernCreateView.as_view(), name="concern_create"),
    path(P + "concerns/<int:concern_pk>/", views.ConcernDetailView.as_view(), name="concern"),
    path(
        P + "concerns/<int:concern_pk>/acknowledge/",
        views.ConcernAcknowledgeView.as_view(),
        name="concern_acknowledge",
    ),
    path(
        P + "concerns/<int:concern_pk>/resolve/",
        views.ConcernResolveView.as_view(),
        name="concern_resolve",
    ),
    path(
        P + "concerns/<int:concern_pk>/escalate/",
        views.ConcernEscalateView.as_view(),
        name="concern_escalate",
    ),
    path(P + "discussion/", views.ThreadListView.as_view(), name="threads"),
    path(P + "discussion/new/", views.ThreadCreateView.as_view(), name="thread_create"),
    path(P + "discussion/<int:thread_pk>/", views.ThreadDetailView.as_view(), name="thread"),
    path(P + "discussion/<int:thread_pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path(P + "discussion/<int:thread_pk>/vote/", views.VoteView.as_view(), name="vote"),
    path(P + "discussion/<int:thread_pk>/share/", views.ThreadShareView.as_view(), name="share"),
    path(P + "shared-summary/", views.SharedSummaryView.as_view(), name="summary"),
    path(P + "shared-summary/send/", views.SharedSummarySendView.as_view(), name="summary_send"),
]
