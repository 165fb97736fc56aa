from django.urls import path

from . import healthcheck_views, views

app_name = "portal"

urlpatterns = [
    path("portal/", views.HomeView.as_view(), name="home"),
    path("portal/sign-in/", views.LinkRequestView.as_view(), name="sign_in"),
    path("portal/link/<str:token>/", views.LinkView.as_view(), name="link"),
    path("portal/<int:partnership_pk>/", views.PartnershipView.as_view(), name="partnership"),
    path(
        "portal/<int:partnership_pk>/actions/<int:action_pk>/done/",
        views.ActionDoneView.as_view(),
        name="action_done",
    ),
    path(
        "portal/<int:partnership_pk>/concerns/new/",
        views.ConcernCreateView.as_view(),
        name="concern_create",
    ),
    path(
        "portal/<int:partnership_pk>/actions/<int:action_pk>/",
        views.ActionView.as_view(),
        name="action",
    ),
    path(
        "portal/<int:partnership_pk>/actions/<int:action_pk>/comment/",
        views.ActionCommentView.as_view(),
        name="action_comment",
    ),
    path(
        "portal/<int:partnership_pk>/actions/<int:action_pk>/due-date/",
        views.ActionDueDateView.as_view(),
        name="action_due_date",
    ),
    path(
        "portal/<int:partnership_pk>/discussion/",
        views.ThreadListView.as_view(),
        name="threads",
    ),
    path(
        "portal/<int:partnership_pk>/discussion/<int:thread_pk>/",
        views.ThreadView.as_view(),
        name="thread",
    ),
    path(
        "portal/<int:partnership_pk>/health-checks/<int:check_pk>/",
        healthcheck_views.HealthCheckView.as_view(),
        name="healthcheck",
    ),
    path(
        "portal/<int:partnership_pk>/health-checks/<int:check_pk>/answer/",
        healthcheck_views.HealthCheckAnswerView.as_view(),
        name="healthcheck_answer",
    ),
    # Our side: the partnership's invitations.
    path(
        "partnerships/<int:partnership_pk>/people/invite/",
        views.InviteView.as_view(),
        name="invite",
    ),
    path(
        "partnerships/<int:partnership_pk>/people/<int:access_pk>/resend/",
        views.ResendView.as_view(),
        name="resend",
    ),
    path(
        "partnerships/<int:partnership_pk>/people/<int:access_pk>/revoke/",
        views.RevokeView.as_view(),
        name="revoke",
    ),
]
