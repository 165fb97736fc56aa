import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from . import services
from .forms import PreferencesForm
from .models import CalendarFeed, Heartbeat, Reminder


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and for whoever wonders whether beat is running."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="beat").first()
    age = (timezone.now() - beat.last_seen).total_seconds() if beat else None
    return JsonResponse(
        {"database": "ok", "beat_seconds_ago": round(age) if age is not None else None}
    )


class NoticeListView(LoginRequiredMixin, ListView):
    template_name = "reminders/notice_list.html"
    context_object_name = "notices_page"
    paginate_by = 25

    def get_queryset(self):
        rows = Reminder.objects.filter(recipient=self.request.user).only(
            "pk", "kind", "title", "url", "due_on", "remind_on", "created_at", "read_at"
        )
        if self.request.GET.get("show") == "unread":
            rows = rows.filter(read_at__isnull=True)
        return rows.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        show = "unread" if self.request.GET.get("show") == "unread" else "all"
        return super().get_context_data(
            show=show, querystring="show=unread" if show == "unread" else "", **kwargs
        )


def _own_notice(request: HttpRequest, pk: int) -> Reminder:
    try:
        return services.notice_mark_read(user=request.user, pk=pk)
    except Reminder.DoesNotExist as exc:
        raise Http404("No such notice.") from exc


class NoticeOpenView(LoginRequiredMixin, View):
    """Follow a notice's link, marking it read on the way."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = _own_notice(request, pk)
        if notice.url.startswith("/") and url_has_allowed_host_and_scheme(
            notice.url, allowed_hosts={request.get_host()}
        ):
            return redirect(notice.url)
        return redirect("reminders:notices")


class NoticeReadView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = _own_notice(request, pk)
        if request.htmx:
            return render(request, "reminders/_notice_row.html", {"notice": notice})
        return redirect("reminders:notices")


class NoticesReadAllView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.notices_mark_all_read(user=request.user)
        if count:
            messages.success(request, f"{count} notice{'s' if count != 1 else ''} marked as read.")
        return redirect("reminders:notices")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "reminders/preferences.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_digest": self.request.user.is_executive}

    def get_context_data(self, **kwargs):
        from .models import ReminderSettings

        return super().get_context_data(
            reminder_time=ReminderSettings.load().reminder_time, **kwargs
        )

    def get_initial(self) -> dict:
        from .forms import kind_choices

        preference = services.preferences_for(self.request.user)
        return {
            "email_kinds": [k for k, _ in kind_choices() if k not in preference.email_off_kinds],
            "digest_only": preference.digest_only,
            "weekly_digest": preference.weekly_digest,
        }

    def form_valid(self, form):
        from .forms import kind_choices

        chosen = set(form.cleaned_data["email_kinds"])
        services.preferences_save(
            user=self.request.user,
            digest_only=form.cleaned_data["digest_only"],
            weekly_digest=form.cleaned_data["weekly_digest"],
            email_off_kinds=[k for k, _ in kind_choices() if k not in chosen],
        )
        messages.success(self.request, "Your notice preferences are saved.")
        return redirect("reminders:preferences")


class CalendarView(LoginRequiredMixin, TemplateView):
    template_name = "reminders/calendar.html"

    def get_context_data(self, **kwargs):
        feed = services.calendar_feed_for(self.request.user)
        url = self.request.build_absolute_uri(reverse("reminders:feed", args=[feed.token]))
        today = timezone.localdate()
        upcoming = services.calendar_events(
            self.request.user, today, today + datetime.timedelta(days=60)
        )
        return super().get_context_data(
            feed=feed,
            feed_url=url,
            webcal_url="webcal://" + url.split("://", 1)[-1],
            upcoming=upcoming[:10],
            upcoming_count=len(upcoming),
            **kwargs,
        )


class CalendarRegenerateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        services.calendar_feed_regenerate(user=request.user)
        messages.success(
            request,
            "Your calendar has a new secret address. The old one no longer works: "
            "subscribe again with the new one.",
        )
        return redirect("reminders:calendar")


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret URL is the credential: calendar apps cannot sign in."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar.")
    today = timezone.now().astimezone(feed.user.tzinfo).date()
    events = services.calendar_events(
        feed.user, today - datetime.timedelta(days=30), today + datetime.timedelta(days=400)
    )
    response = HttpResponse(
        services.render_calendar(feed.user, events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="accord.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


class DigestView(LoginRequiredMixin, TemplateView):
    template_name = "reminders/digest.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            sections=services.digest_for(self.request.user, today), today=today, **kwargs
        )
