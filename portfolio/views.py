import datetime

from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import ListView, TemplateView

from config import data_version
from partnerships.views import RoleRequiredMixin
from reviews.selectors import attainment_at_last_review, last_review_days

from . import health, selectors, services
from .models import Band, HealthSettings, PartnershipHealth

WHAT_MOVED_DAYS = 90


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class DashboardView(RoleRequiredMixin, data_version.CachedBodyMixin, TemplateView):
    """The portfolio at a glance: the home page. Executives see every partnership; a partner
    manager sees the same facts for the partnerships they manage ("My partnerships"). GET only
    and read only: no request-wide transaction (see PartnershipDetailView).

    Its body is cached HTML under the data version (config/data_version.py), so any change shows
    on the next request. What moves with the clock alone: the day (in the key) and the concerns
    that run out of time (the entry lasts until the next one does)."""

    template_name = "portfolio/dashboard.html"
    body_name = "dashboard"

    def get(self, request, *args, **kwargs):
        self.now = timezone.now()
        self.body_seconds = selectors.dashboard_fresh_for(self.now)
        return super().get(request, *args, **kwargs)

    def body_facts(self) -> list:
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            d=selectors.dashboard(self.request.user, now=self.now),
            is_executive=self.request.user.is_executive,
            **kwargs,
        )


class HealthListView(RoleRequiredMixin, ListView):
    """Live partnerships by health, weakest first: the list behind the dashboard's health."""

    template_name = "portfolio/health_list.html"
    paginate_by = 25
    context_object_name = "partnerships"

    def get_queryset(self):
        self.band = self.request.GET.get("band", "")
        if self.band not in Band.values:
            self.band = ""
        self.settings = HealthSettings.load()
        return selectors.health_rows(self.request.user, self.settings, self.band)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        settings = self.settings
        for p in ctx["partnerships"]:
            score = p.health.score if hasattr(p, "health") else None
            p.band_label = Band(settings.band(score)).label
        ctx.update(
            band=self.band,
            bands=Band.choices,
            settings=settings,
            querystring=f"band={self.band}" if self.band else "",
        )
        return ctx


class DueListView(RoleRequiredMixin, ListView):
    """What is due or overdue this week, one kind at a time: the lists behind the figures."""

    template_name = "portfolio/due_list.html"
    paginate_by = 25
    context_object_name = "rows"

    def get_queryset(self):
        self.kind = self.request.GET.get("kind", "all")
        if self.kind not in selectors.DUE_KINDS:
            raise Http404("No such list.")
        self.now = timezone.now()
        return selectors.due_rows(self.request.user, self.kind, now=self.now)

    def get_context_data(self, **kwargs):
        today = timezone.localdate(self.now)
        ctx = super().get_context_data(**kwargs)
        if self.kind == "all":
            for row in ctx["rows"]:
                row.update(due_item(row))
        elif self.kind == "reviews":
            for p in ctx["rows"]:
                p.review_url = review_url(p.pk, p.scheduled_review_pk)
        return ctx | dict(
            kind=self.kind,
            kinds=selectors.DUE_KINDS,
            heading=selectors.DUE_KINDS[self.kind][1],
            today=today,
            now=self.now,
            week_end=selectors.week_end(today),
            notice_until=today + datetime.timedelta(days=selectors.NOTICE_DAYS),
            querystring=f"kind={self.kind}",
        )


def review_url(partnership_pk: int, review_pk: int | None) -> str:
    """The review that answers the due date: the scheduled one, or the form that schedules it."""
    if review_pk:
        return reverse("reviews:review", args=[partnership_pk, review_pk])
    return reverse("reviews:review_create", args=[partnership_pk])


def due_item(row: dict) -> dict:
    """What a row of the "everything" list shows: its kind's label and icon, where it opens."""
    kind, pk, partnership = row["row_kind"], row["row_pk"], row["row_partnership_id"]
    if kind == "check_in":
        return {
            "label": "Check-in",
            "icon": "chat-square-text",
            "title": "Hold and log the check-in",
            "url": reverse("partnerships:tab", args=[partnership, "communication"]),
        }
    if kind == "review":
        return {
            "label": "Review",
            "icon": "clipboard-data",
            "title": "Hold the scheduled review" if pk else "Schedule the review",
            "url": review_url(partnership, pk),
        }
    if kind == "action":
        return {
            "label": "Action item",
            "icon": "check2-square",
            "title": row["row_title"],
            "url": reverse("communications:action_edit", args=[partnership, pk]),
        }
    return {
        "label": "Concern",
        "icon": "exclamation-diamond",
        "title": row["row_title"],
        "url": reverse("communications:concern", args=[partnership, pk]),
        "past_target": True,
    }


def last_review_day(partnership) -> datetime.date | None:
    """The day of the partnership's last held review (from the reviews step)."""
    return last_review_days([partnership.pk]).get(partnership.pk)


def tab_context(request: HttpRequest, partnership) -> dict:
    """The workspace's Health tab: each part with its weight and value, computed now; what moved
    since the last review (against that day's snapshot); the daily trend."""
    if partnership.stage not in health.LIVE:
        return {"live": False}
    settings = HealthSettings.load()
    now = health.compute_one(partnership, settings)
    stored = PartnershipHealth.objects.filter(partnership=partnership).first()
    if stored is None or stored.score != now.score or stored.parts != now.as_json():
        # What the manager sees here is what the dashboard shows next.
        services.refresh_one(partnership, now)
    today = timezone.localdate()
    reviewed = last_review_day(partnership)
    if reviewed:
        base = selectors.snapshot_on_or_before(partnership, reviewed)
    else:
        base = selectors.earliest_snapshot_since(
            partnership, today - datetime.timedelta(days=WHAT_MOVED_DAYS)
        )
    if base is not None and base.day >= today:
        base = None
    then = {p["key"]: p for p in (base.parts if base else [])}
    if reviewed:
        # The KPIs as the review itself froze them, rather than as that day's snapshot saw them.
        frozen = attainment_at_last_review([partnership.pk]).get(partnership.pk)
        if frozen is not None:
            then["kpi"] = {"key": "kpi", "value": frozen, "detail": "Frozen by the last review."}
    rows = []
    for part in now.parts:
        before = then.get(part.key)
        was = before.get("value") if before else None
        rows.append(
            {
                "part": part,
                "share": now.share(part),
                "was": was,
                "was_detail": before.get("detail") if before else "",
                "delta": part.value - was if part.value is not None and was is not None else None,
            }
        )
    score_delta = (
        now.score - base.score
        if base is not None and base.score is not None and now.score is not None
        else None
    )
    return {
        "live": True,
        "health": now,
        "band": settings.band(now.score),
        "settings": settings,
        "rows": rows,
        "base": base,
        "reviewed": reviewed,
        "score_delta": score_delta,
        "score_moved": abs(score_delta) if score_delta is not None else None,
        "trend": {"points": selectors.trend(partnership), "name": partnership.name},
    }
