from django.urls import path

from . import views

app_name = "healthcheck"

P = "partnerships/<int:partnership_pk>/health-checks/"
C = P + "<int:check_pk>/"

urlpatterns = [
    path(P + "new/", views.OpenView.as_view(), name="open"),
    path(C, views.DetailView.as_view(), name="detail"),
    path(C + "answer/", views.AnswerView.as_view(), name="answer"),
    path(C + "close/", views.CloseView.as_view(), name="close"),
    path(C + "actions/", views.GapActionsView.as_view(), name="actions"),
]
