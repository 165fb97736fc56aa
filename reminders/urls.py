from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/read-all/", views.NoticesReadAllView.as_view(), name="read_all"),
    path("notices/preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("notices/<int:pk>/open/", views.NoticeOpenView.as_view(), name="open"),
    path("notices/<int:pk>/read/", views.NoticeReadView.as_view(), name="read"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/regenerate/", views.CalendarRegenerateView.as_view(), name="regenerate"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("digest/", views.DigestView.as_view(), name="digest"),
]
