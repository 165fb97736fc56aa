from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import reswap, retarget

from partnerships.models import Partnership, Stage
from partnerships.services import gate
from partnerships.views import PartnershipMixin

from . import services
from .forms import AlignmentEditForm, AlignmentForm, ObjectiveForm
from .models import PARTY_EMPTY, PARTY_HEADINGS, Alignment, Objective, Party
from .selectors import alignment_matrix

PAGE_SIZE = 25


def panel_context(request: HttpRequest, partnership: Partnership, notice: str = "") -> dict:
    """What the Objectives tab (and the objectives page) shows."""
    paginator = Paginator(Objective.objects.for_partnership(partnership).for_list(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    counts = dict(
        Objective.objects.for_partnership(partnership)
        .order_by()
        .values_list("party")
        .annotate(n=Count("pk"))
        .values_list("party", "n")
    )
    sections = [
        {
            "party": party,
            "heading": PARTY_HEADINGS[party],
            "empty": PARTY_EMPTY[party],
            "count": counts.get(party, 0),
            "objectives": [o for o in page.object_list if o.party == party],
        }
        for party in Party.values
    ]
    selecting_gate = (
        gate(partnership, Stage.SELECTING) if partnership.stage == Stage.DEFINING else None
    )
    return {
        "objectives": page.object_list,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "sections": [s for s in sections if s["objectives"] or page.number == 1],
        "today": timezone.localdate(),
        "objective_count": sum(counts.values()),
        "selecting_gate": selecting_gate,
        "matrix": alignment_matrix(partnership),
        "notice": notice,
    }


def tab_context(request: HttpRequest, partnership: Partnership) -> dict:
    return panel_context(request, partnership)


def _tab_url(partnership: Partnership) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, "objectives"])


class VaryOnHtmx:
    """These views answer htmx with a fragment: a cache must not serve one for the other."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response


class ObjectiveListView(VaryOnHtmx, PartnershipMixin, TemplateView):
    """The objectives on a page of their own; for htmx, the panel alone."""

    template_name = "objectives/objective_list.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["objectives/_panel.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(panel_context(self.request, self.partnership))
        return ctx


class ObjectiveFormMixin(VaryOnHtmx, PartnershipMixin):
    """Create and edit, inline for htmx (errors stay in the form, success swaps the panel),
    or as a page of their own without JavaScript."""

    page_template = "objectives/objective_form.html"
    inline_template = "objectives/_form.html"
    objective: Objective | None = None

    def form(self, data=None) -> ObjectiveForm:
        return ObjectiveForm(data, instance=self.objective, partnership=self.partnership)

    def render_form(self, form: ObjectiveForm, status: int = 200) -> HttpResponse:
        template = self.inline_template if self.request.htmx else self.page_template
        context = {
            "partnership": self.partnership,
            "form": form,
            "objective": self.objective,
            "inline": bool(self.request.htmx),
        }
        return render(self.request, template, context, status=status)

    def get(self, request: HttpRequest, **kwargs) -> HttpResponse:
        return self.render_form(self.form())

    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            try:
                objective = self.save(form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return self.saved(objective)
        return self.render_form(form)

    def saved(self, objective: Objective) -> HttpResponse:
        notice = f"“{objective.title}” is saved."
        if self.request.htmx:
            response = render(
                self.request,
                "objectives/_panel.html",
                {
                    "partnership": self.partnership,
                    **panel_context(self.request, self.partnership, notice),
                },
            )
            return reswap(retarget(response, "#objectives-panel"), "outerHTML")
        messages.success(self.request, notice)
        return redirect(_tab_url(self.partnership))


class ObjectiveCreateView(ObjectiveFormMixin, View):
    def save(self, data: dict) -> Objective:
        return services.objective_create(partnership=self.partnership, by=self.request.user, **data)


class ObjectiveUpdateView(ObjectiveFormMixin, View):
    inline_template = "objectives/_form_row.html"

    def get(self, request: HttpRequest, **kwargs) -> HttpResponse:
        self.objective = self.get_objective()
        return super().get(request, **kwargs)

    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        self.objective = self.get_objective()
        return super().post(request, **kwargs)

    def get_objective(self) -> Objective:
        return get_object_or_404(
            Objective.objects.select_related("owner"),
            pk=self.kwargs["objective_pk"],
            partnership=self.partnership,
        )

    def save(self, data: dict) -> Objective:
        return services.objective_update(objective=self.objective, by=self.request.user, **data)


class ObjectiveDeleteView(VaryOnHtmx, PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, objective_pk: int) -> HttpResponse:
        objective = get_object_or_404(Objective, pk=objective_pk, partnership=self.partnership)
        services.objective_delete(objective=objective, by=request.user)
        notice = f"“{objective.title}” is removed."
        if request.htmx:
            context = {
                "partnership": self.partnership,
                **panel_context(request, self.partnership, notice),
            }
            return render(request, "objectives/_panel.html", context)
        messages.success(request, notice)
        return redirect(_tab_url(self.partnership))


class AlignmentView(PartnershipMixin, TemplateView):
    """Our objectives against the partner's: the matrix, and every gap or conflict in words."""

    template_name = "objectives/alignment.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["matrix"] = alignment_matrix(self.partnership)
        ctx["form"] = AlignmentForm(partnership=self.partnership)
        return ctx


class AlignmentCreateView(PartnershipMixin, View):
    template_name = "objectives/alignment_form.html"

    def get(self, request: HttpRequest, partnership_pk: int) -> HttpResponse:
        # The matrix links here with the pair to link (or relink) already chosen.
        ours, theirs = request.GET.get("objective", ""), request.GET.get("partner_objective", "")
        initial = {"objective": ours, "partner_objective": theirs}
        if ours.isdigit() and theirs.isdigit():
            existing = Alignment.objects.filter(
                objective__partnership=self.partnership,
                objective_id=ours,
                partner_objective_id=theirs,
            ).first()
            if existing:
                initial.update(kind=existing.kind, note=existing.note)
        form = AlignmentForm(initial=initial, partnership=self.partnership)
        return self.render(form)

    def post(self, request: HttpRequest, partnership_pk: int) -> HttpResponse:
        form = AlignmentForm(request.POST, partnership=self.partnership)
        if form.is_valid():
            try:
                alignment = services.alignment_set(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"“{alignment.objective}” and “{alignment.partner_objective}” are linked: "
                    f"{alignment.get_kind_display().lower()}.",
                )
                return redirect("objectives:alignment", self.partnership.pk)
        return self.render(form)

    def render(self, form: AlignmentForm) -> HttpResponse:
        return render(
            self.request, self.template_name, {"partnership": self.partnership, "form": form}
        )


class AlignmentEditView(PartnershipMixin, View):
    template_name = "objectives/alignment_form.html"

    def get_alignment(self) -> Alignment:
        return get_object_or_404(
            Alignment.objects.select_related("objective", "partner_objective"),
            pk=self.kwargs["alignment_pk"],
            objective__partnership=self.partnership,
        )

    def get(self, request: HttpRequest, **kwargs) -> HttpResponse:
        alignment = self.get_alignment()
        return self.render(AlignmentEditForm(instance=alignment), alignment)

    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        alignment = self.get_alignment()
        form = AlignmentEditForm(request.POST, instance=alignment)
        if form.is_valid():
            try:
                services.alignment_set(
                    objective=alignment.objective,
                    partner_objective=alignment.partner_objective,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "The link is saved.")
                return redirect("objectives:alignment", self.partnership.pk)
        return self.render(form, alignment)

    def render(self, form, alignment: Alignment) -> HttpResponse:
        context = {"partnership": self.partnership, "form": form, "alignment": alignment}
        return render(self.request, self.template_name, context)


class AlignmentDeleteView(PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, alignment_pk: int) -> HttpResponse:
        alignment = get_object_or_404(
            Alignment, pk=alignment_pk, objective__partnership=self.partnership
        )
        services.alignment_delete(alignment=alignment, by=request.user)
        messages.success(request, "The link is removed.")
        return redirect("objectives:alignment", self.partnership.pk)
