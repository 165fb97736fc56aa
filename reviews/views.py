import datetime
from decimal import Decimal
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accord_csv import csv_response
from agreements.models import Agreement
from agreements.selectors import in_force_of
from audit import services as audit
from communications.models import CheckIn
from communications.selectors import open_concerns
from partnerships import access
from partnerships.forms import add_service_error
from partnerships.models import Partnership
from partnerships.views import PartnershipMixin, RoleRequiredMixin

from . import selectors, services
from .attainment import Direction
from .forms import (
    DecisionForm,
    ImportForm,
    KPIForm,
    MeasurementForm,
    ReviewHoldForm,
    ReviewScheduleForm,
)
from .models import KPI, Measurement, Review, Snapshot

CHECK_IN_DIGEST = 20


def tab_url(partnership: Partnership) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, "performance"])


def kpis_url(partnership: Partnership) -> str:
    return reverse("reviews:kpis", args=[partnership.pk])


TAB_KPIS = 10


def tab_context(request: HttpRequest, partnership: Partnership) -> dict:
    """The workspace's Performance tab: KPIs with status and sparkline, objectives' progress,
    the latest review and the next one due."""
    every = list(
        selectors.with_latest(KPI.objects.filter(partnership=partnership))
        .select_related("owner", "objective")
        .order_by("name", "pk")
    )
    shown = every[:TAB_KPIS]
    prefetch_related_objects(shown, selectors.recent_measurements())
    selectors.decorate(every)
    return {
        "kpis": shown,
        "kpi_count": len(every),
        "counts": selectors.status_counts(every),
        "objectives_progress": selectors.objective_progress(every),
        "latest_review": selectors.latest_held(partnership),
        "scheduled": selectors.scheduled_review(partnership),
        "today": timezone.localdate(),
    }


# KPIs --------------------------------------------------------------------------------------------


class KPIListView(PartnershipMixin, ListView):
    template_name = "reviews/kpi_list.html"
    paginate_by = 25
    context_object_name = "kpis"

    def get_queryset(self):
        return selectors.kpis_for_list(self.partnership)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kpis"] = selectors.decorate(ctx["kpis"])
        return ctx


class KPIFormMixin(PartnershipMixin):
    template_name = "reviews/form_page.html"
    form_class = KPIForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "cancel_url": self.cancel_url(),
            "submit": self.submit,
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            kpi = self.save(fields)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message.format(kpi=kpi))
        return redirect(kpi)


class KPICreateView(KPIFormMixin, FormView):
    submit = "Add the KPI"
    success_message = "KPI “{kpi}” added. Record its first measurement below."

    def cancel_url(self) -> str:
        return tab_url(self.partnership)

    def get_initial(self):
        initial = {"owner": self.request.user.pk}
        objective = self.request.GET.get("objective")
        if objective and objective.isdigit():
            initial["objective"] = objective
        return initial

    def save(self, fields: dict) -> KPI:
        return services.kpi_create(partnership=self.partnership, by=self.request.user, **fields)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="New KPI", here="New KPI", **kwargs)


class KPIMixin(PartnershipMixin):
    @cached_property
    def kpi(self) -> KPI:
        return get_object_or_404(
            selectors.with_latest(KPI.objects.filter(partnership=self.partnership)).select_related(
                "owner", "objective", "partnership"
            ),
            pk=self.kwargs["kpi_pk"],
        )


class KPIUpdateView(KPIMixin, KPIFormMixin, FormView):
    submit = "Save"
    success_message = "KPI “{kpi}” saved."

    def cancel_url(self) -> str:
        return self.kpi.get_absolute_url()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.kpi}

    def save(self, fields: dict) -> KPI:
        return services.kpi_update(kpi=self.kpi, by=self.request.user, **fields)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kpi=self.kpi,
            heading=f"Edit “{self.kpi}”",
            here="Edit",
            section=self.kpi.name,
            section_url=self.kpi.get_absolute_url(),
            **kwargs,
        )


class KPIDeleteView(KPIMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, kpi_pk: int) -> HttpResponse:
        try:
            services.kpi_delete(kpi=self.kpi, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.kpi)
        messages.success(request, f"KPI “{self.kpi}” and its measurements are removed.")
        return redirect(tab_url(self.partnership))


class KPIShareView(KPIMixin, View):
    """One click on the KPI's page: the partner sees it in their portal, or no longer does."""

    def post(self, request: HttpRequest, partnership_pk: int, kpi_pk: int) -> HttpResponse:
        choice = request.POST.get("shared")
        if choice not in ("0", "1"):
            messages.error(request, "Choose whether to share the KPI with the partner.")
            return redirect(self.kpi)
        try:
            services.kpi_set_shared(kpi=self.kpi, by=request.user, shared=choice == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.kpi)
        if self.kpi.shared:
            messages.success(
                request,
                f"“{self.kpi}” is shared: the partner sees it, with its trend, in the portal.",
            )
        else:
            messages.success(request, f"“{self.kpi}” is no longer shared with the partner.")
        return redirect(self.kpi)


class KPIDetailView(KPIMixin, TemplateView):
    """A KPI: its trend, its measurements (paginated), and the form to record the next one."""

    template_name = "reviews/kpi_detail.html"
    paginate_by = 24

    def post(self, request: HttpRequest, partnership_pk: int, kpi_pk: int) -> HttpResponse:
        if self.partnership.is_ended:
            messages.error(request, "This partnership has ended: its KPIs are a record now.")
            return redirect(self.kpi)
        form = MeasurementForm(request.POST, kpi=self.kpi, inline=True)
        if form.is_valid():
            try:
                measurement = services.measurement_record(
                    kpi=self.kpi,
                    by=request.user,
                    period=form.cleaned_data["period"],
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                reading = self.kpi.read(measurement.value, measurement.period)
                messages.success(
                    request,
                    f"{self.kpi.period_label(measurement.period)} recorded: "
                    f"{reading.attainment.normalize():f} % of target, "
                    f"{reading.status_label.lower()}.",
                )
                return redirect(self.kpi)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        kpi = self.kpi
        selectors.decorate([kpi])
        series = list(
            Measurement.objects.filter(kpi=kpi).order_by("period").values_list("period", "value")
        )
        rows = Measurement.objects.filter(kpi=kpi).select_related("recorded_by").order_by("-period")
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        for m in page.object_list:
            m.kpi = kpi
            m.reading = kpi.read(m.value, m.period)
        snapshots = list(
            Snapshot.objects.filter(kpi=kpi).select_related("review").order_by("-as_of", "-pk")[:8]
        )
        ctx.update(
            kpi=kpi,
            form=kwargs.get("form") or MeasurementForm(kpi=kpi, inline=True),
            page_obj=page,
            measurements=page.object_list,
            is_paginated=page.has_other_pages(),
            paginator=page.paginator,
            chart=_chart(kpi, series),
            snapshots=snapshots,
            measurement_count=len(series),
            kpis_url=kpis_url(self.partnership),
        )
        return ctx


def _chart(kpi: KPI, series: list) -> dict:
    def num(value):
        return float(value) if value is not None else None

    return {
        "labels": [kpi.period_label(period) for period, _ in series],
        "values": [num(value) for _, value in series],
        "target": num(kpi.target),
        "baseline": num(kpi.baseline),
        "red_flag": num(kpi.red_flag),
        "unit": kpi.unit,
        "name": kpi.name,
    }


class MeasurementMixin(PartnershipMixin):
    @cached_property
    def measurement(self) -> Measurement:
        return get_object_or_404(
            Measurement.objects.select_related("kpi", "kpi__partnership", "recorded_by"),
            pk=self.kwargs["measurement_pk"],
            kpi__partnership=self.partnership,
        )


class MeasurementUpdateView(MeasurementMixin, FormView):
    template_name = "reviews/form_page.html"
    form_class = MeasurementForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.measurement,
            "kpi": self.measurement.kpi,
            "cancel_url": self.measurement.kpi.get_absolute_url(),
        }

    def form_valid(self, form):
        try:
            services.measurement_update(
                measurement=self.measurement,
                by=self.request.user,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.measurement.period_label} saved.")
        return redirect(self.measurement.kpi)

    def get_context_data(self, **kwargs):
        m = self.measurement
        return super().get_context_data(
            heading=f"{m.kpi.name}: {m.period_label}",
            here=m.period_label,
            section=m.kpi.name,
            section_url=m.kpi.get_absolute_url(),
            measurement=m,
            **kwargs,
        )


class MeasurementDeleteView(MeasurementMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, measurement_pk: int) -> HttpResponse:
        kpi = self.measurement.kpi
        label = self.measurement.period_label
        try:
            services.measurement_delete(measurement=self.measurement, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The measurement of {label} is removed.")
        return redirect(kpi)


class ImportView(PartnershipMixin, FormView):
    template_name = "reviews/import.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": kpis_url(self.partnership)}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error("file", "The file is larger than 2 MB: split it up.")
            return self.form_invalid(form)
        try:
            created = services.measurements_import(
                partnership=self.partnership,
                by=self.request.user,
                data=upload.read(),
                filename=upload.name,
            )
        except services.ImportRefused as exc:
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=exc.errors, filename=upload.name)
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        n = len(created)
        messages.success(self.request, f"{n} measurement{'s' if n != 1 else ''} imported.")
        return redirect(kpis_url(self.partnership))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kpi_names=list(
                KPI.objects.filter(partnership=self.partnership)
                .order_by("name")
                .values_list("name", "frequency")[:50]
            ),
            **kwargs,
        )


class ExportView(PartnershipMixin, View):
    """The partnership's KPIs and every measurement, one row per measurement (a KPI without any
    has one row with an empty period). Its KPI, Period, Value and Note columns import back."""

    HEADER = [
        "KPI", "Unit", "Direction", "Baseline", "Target", "Red-flag threshold", "Measured",
        "Owner", "Objective", "Period", "Value", "Note", "Attainment %", "Status", "Recorded by",
        "Recorded at",
    ]  # fmt: skip

    def get(self, request: HttpRequest, partnership_pk: int) -> StreamingHttpResponse:
        values = (
            KPI.objects.filter(partnership=self.partnership)
            .order_by("name", "pk", "measurements__period")
            .values(
                "name", "unit", "direction", "baseline", "target", "red_flag", "frequency",
                "owner__full_name", "objective__title", "measurements__period",
                "measurements__value", "measurements__note", "measurements__recorded_by__full_name",
                "measurements__recorded_at",
            )
        )  # fmt: skip
        filename = f"kpis-{self.partnership.pk}-{timezone.localdate().isoformat()}.csv"
        audit.record(
            audit.Action.EXPORTED,
            target=self.partnership,
            label=f"{self.partnership.name} · {filename}",
            extra={"export": "kpis"},
        )
        return csv_response(
            filename=filename,
            header=self.HEADER,
            rows=(_export_row(r) for r in values.iterator(chunk_size=2000)),
        )


def _number(value: Decimal | None) -> Decimal | None:
    """Without trailing zeros (90, not 90.0000); a number, so the CSV writer leaves it one."""
    return None if value is None else value.normalize()


def _export_row(r: dict) -> list:
    kpi = KPI(
        baseline=r["baseline"],
        target=r["target"],
        red_flag=r["red_flag"],
        direction=r["direction"],
        frequency=r["frequency"],
    )
    period, value = r["measurements__period"], r["measurements__value"]
    reading = kpi.read(value, period)
    recorded_at = r["measurements__recorded_at"]
    return [
        r["name"],
        r["unit"],
        Direction(r["direction"]).label,
        _number(r["baseline"]),
        _number(r["target"]),
        _number(r["red_flag"]),
        r["frequency"],
        r["owner__full_name"] or "",
        r["objective__title"] or "",
        period.isoformat() if period else "",
        _number(value),
        r["measurements__note"] or "",
        _number(reading.attainment) if reading else "",
        reading.status_label if reading else "",
        r["measurements__recorded_by__full_name"] or "",
        timezone.localtime(recorded_at).strftime("%Y-%m-%d %H:%M") if recorded_at else "",
    ]


# Reviews -----------------------------------------------------------------------------------------


class ReviewScheduleView(RoleRequiredMixin, ListView):
    """Reviews across the partnerships the user sees: next due (overdue first), or held."""

    template_name = "reviews/review_list.html"
    paginate_by = 25
    context_object_name = "rows"
    SHOWS = {"due": "All due", "overdue": "Overdue", "soon": "Due in 30 days", "held": "Held"}

    def get_queryset(self):
        self.show = self.request.GET.get("show", "due")
        if self.show not in self.SHOWS:
            self.show = "due"
        self.today = timezone.localdate()
        if self.show == "held":
            visible = access.visible_partnerships(self.request.user).values("pk")
            return selectors.reviews_for_list(
                Review.objects.held().filter(partnership__in=visible)
            ).order_by("-held_on", "-pk")
        return selectors.schedule_rows(self.request.user, self.show, self.today)

    def get_context_data(self, **kwargs):
        soon_end = self.today + datetime.timedelta(days=30)
        counts = selectors.schedule_rows(self.request.user, "due", self.today).aggregate(
            due=Count("pk"),
            overdue=Count("pk", filter=Q(next_review_due__lt=self.today)),
            soon=Count("pk", filter=Q(next_review_due__range=(self.today, soon_end))),
        )
        visible = access.visible_partnerships(self.request.user).values("pk")
        counts["held"] = Review.objects.held().filter(partnership__in=visible).count()
        return super().get_context_data(
            show=self.show,
            shows=self.SHOWS,
            counts=counts,
            today=self.today,
            querystring=f"show={self.show}",
            **kwargs,
        )


class PartnershipReviewListView(PartnershipMixin, ListView):
    template_name = "reviews/partnership_reviews.html"
    paginate_by = 20
    context_object_name = "reviews"

    def get_queryset(self):
        return selectors.reviews_for_list(
            Review.objects.filter(partnership=self.partnership)
        ).order_by(F("held_on").desc(nulls_first=True), "-due_on", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class ReviewCreateView(PartnershipMixin, FormView):
    """Schedule the next review; it answers the partnership's next review due date."""

    template_name = "reviews/form_page.html"
    form_class = ReviewScheduleForm

    def get(self, request, *args, **kwargs):
        scheduled = selectors.scheduled_review(self.partnership)
        if scheduled is not None:
            messages.info(request, "A review is already scheduled: here it is.")
            return redirect(scheduled)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        p = self.partnership
        return {
            "kind": services.kind_for(p.review_cadence),
            "due_on": p.next_review_due or timezone.localdate(),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": tab_url(self.partnership)}

    def form_valid(self, form):
        try:
            review = services.review_schedule(
                partnership=self.partnership,
                by=self.request.user,
                kind=form.cleaned_data["kind"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{review.get_kind_display()} scheduled for {review.due_on:%-d %b %Y}. "
            "Share the review pack before the meeting.",
        )
        return redirect(review)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Schedule a review",
            here="Schedule",
            section="Reviews",
            section_url=reverse("reviews:partnership_reviews", args=[self.partnership.pk]),
            intro=self._intro(),
            **kwargs,
        )

    def _intro(self) -> str:
        p = self.partnership
        if p.review_cadence and p.next_review_due:
            return (
                f"The review cadence is “{p.review_cadence}”; the next review is due "
                f"{p.next_review_due:%-d %b %Y}."
            )
        return "This partnership has no review cadence yet: the signed agreement's plan sets it."


class ReviewMixin(PartnershipMixin):
    @cached_property
    def review(self) -> Review:
        return get_object_or_404(
            Review.objects.filter(partnership=self.partnership)
            .select_related("held_by", "created_by", "partnership")
            .prefetch_related("attendees", "partner_attendees"),
            pk=self.kwargs["review_pk"],
        )

    def kpi_rows(self) -> tuple[list, bool]:
        """What the review looks at: its frozen snapshot once held, else the KPIs as they are
        now. Each row has ``name``, ``unit``, ``target``, ``reading``-like fields and ``spark``."""
        review = self.review
        if review.is_held:
            rows = list(review.snapshots.order_by("kpi_name", "pk"))
            sparks = _sparks([s.kpi_id for s in rows if s.kpi_id], review.held_on)
            for s in rows:
                s.spark = sparks.get(s.kpi_id, [])
            return rows, True
        kpis = selectors.decorate(selectors.kpis_for_list(self.partnership))
        return kpis, False


def _sparks(kpi_ids: list[int], as_of) -> dict[int, list]:
    """The last few values of each KPI on or before `as_of`, oldest first, in one query."""
    if not kpi_ids:
        return {}
    rows = (
        Measurement.objects.filter(kpi_id__in=kpi_ids, period__lte=as_of)
        .annotate(rank=Window(RowNumber(), partition_by=F("kpi_id"), order_by=F("period").desc()))
        .filter(rank__lte=selectors.SPARK_POINTS)
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "value")
    )
    found: dict[int, list] = {}
    for kpi_id, value in rows:
        found.setdefault(kpi_id, []).append(value)
    return found


class ReviewDetailView(ReviewMixin, TemplateView):
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review = self.review
        rows, frozen = self.kpi_rows()
        decisions = selectors.decisions_of(review)
        ctx.update(
            review=review,
            kpi_rows=rows,
            frozen=frozen,
            decisions=decisions,
            today=timezone.localdate(),
            hold_form=None
            if review.is_held
            else ReviewHoldForm(
                partnership=self.partnership,
                cancel_url="",
                action=reverse("reviews:review_hold", args=[self.partnership.pk, review.pk]),
            ),
            # Its owner choices cost two queries: built only where the page shows it.
            decision_form=DecisionForm(
                partnership=self.partnership,
                cancel_url="",
                action=reverse("reviews:decision_create", args=[self.partnership.pk, review.pk]),
            )
            if review.is_held and not self.partnership.is_ended
            else None,
        )
        return ctx


class ReviewHoldView(ReviewMixin, FormView):
    template_name = "reviews/form_page.html"
    form_class = ReviewHoldForm

    def get(self, request, *args, **kwargs):
        if self.review.is_held:
            messages.info(request, f"This review was held on {self.review.held_on:%-d %b %Y}.")
            return redirect(self.review)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.review.is_held:
            messages.error(request, services.ReviewAlreadyHeld(self.review).message)
            return redirect(self.review)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "cancel_url": self.review.get_absolute_url(),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            review = services.review_hold(
                review=self.review,
                by=self.request.user,
                held_on=data["held_on"],
                rating=data["rating"],
                summary=data["summary"],
                attendees=data["attendees"],
                partner_attendees=data["partner_attendees"],
            )
        except services.ReviewAlreadyHeld as exc:
            messages.error(self.request, exc.message)
            return redirect(self.review)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        self.partnership.refresh_from_db(fields=["next_review_due"])
        due = self.partnership.next_review_due
        note = f" Next review due {due:%-d %b %Y}." if due else ""
        messages.success(
            self.request,
            f"{review.get_kind_display()} held; the KPIs are frozen as of "
            f"{review.held_on:%-d %b %Y}.{note} Now record its decisions.",
        )
        return redirect(review)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Hold the {str(self.review)[0].lower()}{str(self.review)[1:]}",
            here="Hold",
            section=str(self.review),
            section_url=self.review.get_absolute_url(),
            intro="Holding the review freezes what every KPI shows today; later measurements "
            "and edits will not change it. The next review due date moves by the cadence.",
            **kwargs,
        )


class ReviewCancelView(ReviewMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, review_pk: int) -> HttpResponse:
        try:
            services.review_cancel(review=self.review, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.review)
        messages.success(request, "The scheduled review is cancelled.")
        return redirect(tab_url(self.partnership))


class DecisionCreateView(ReviewMixin, FormView):
    template_name = "reviews/form_page.html"
    form_class = DecisionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "cancel_url": self.review.get_absolute_url(),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision = services.decision_record(
                review=self.review,
                by=self.request.user,
                text=data["text"],
                kind=data["kind"],
                owner=form.owner_user,
                owner_contact=form.owner_contact,
                due_on=data.get("due_on"),
                objective=data.get("objective"),
                new_target=data.get("new_target"),
                new_due_date=data.get("new_due_date"),
                reason=data.get("reason") or "",
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if decision.action_item_id:
            message = (
                f"Decision recorded; action item for {decision.action_item.owner_name} opened."
            )
        elif decision.objective_id:
            message = f"Decision recorded; “{decision.objective}” adjusted."
        else:
            message = "Decision recorded."
        messages.success(self.request, message)
        return redirect(self.review)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Record a decision",
            here="Decision",
            section=str(self.review),
            section_url=self.review.get_absolute_url(),
            with_script=True,
            **kwargs,
        )


class ReviewPackView(ReviewMixin, TemplateView):
    """The printable review pack: what to read before the meeting, and the record after it."""

    template_name = "reviews/review_pack.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review, p = self.review, self.partnership
        today = timezone.localdate()
        previous = selectors.latest_held(p, before=review)
        since = previous.held_on if previous else None
        until = review.held_on or today
        check_ins: QuerySet[CheckIn] = CheckIn.objects.filter(partnership=p, held_on__lte=until)
        if since:
            check_ins = check_ins.filter(held_on__gt=since)
        rows, frozen = self.kpi_rows()
        agreement = in_force_of(p)
        ctx.update(
            review=review,
            previous=previous,
            previous_decisions=selectors.decisions_of(previous) if previous else [],
            decisions=selectors.decisions_of(review),
            kpi_rows=rows,
            frozen=frozen,
            check_ins=list(
                check_ins.select_related("logged_by").order_by("-held_on", "-pk")[:CHECK_IN_DIGEST]
            ),
            **check_ins.aggregate(check_in_count=Count("pk"), sentiment=Avg("sentiment")),
            since=since,
            until=until,
            concerns=open_concerns(p),
            agreement=agreement,
            dates=_agreement_dates(agreement, today),
            today=today,
            now=timezone.now(),
        )
        return ctx


def _agreement_dates(agreement: Agreement | None, today) -> list[dict]:
    if agreement is None:
        return []
    dates = [
        ("Effective", agreement.effective_date),
        ("Notice deadline", agreement.notice_deadline),
        ("Expiry", agreement.expiry_date),
    ]
    return [
        {"label": label, "date": day, "days": (day - today).days, "past": day < today}
        for label, day in dates
        if day is not None
    ]
