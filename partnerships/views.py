from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from accord_csv import csv_response
from audit import services as audit
from config import data_version
from config.release import release

from . import access, services
from .filters import OrganizationFilter, PartnershipFilter
from .forms import (
    ContactForm,
    ContactReassignForm,
    MoveForm,
    OrganizationForm,
    PartnershipForm,
    add_service_error,
)
from .models import Activity, Contact, Organization, Partnership, Stage, Transition
from .registry import nav_items, tabs


class RoleRequiredMixin(LoginRequiredMixin):
    """Partnership pages are for executives and partner managers."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.can_use_partnerships(request.user):
            raise PermissionDenied("Your account has no role that works with partnerships.")
        return super().dispatch(request, *args, **kwargs)


class PartnershipMixin(RoleRequiredMixin):
    """Loads ``self.partnership`` through the access rule: 404 when it is not the user's."""

    partnership_kwarg = "partnership_pk"
    partnership_queryset = Partnership.objects.select_related(
        "organization", "executive_sponsor", "check_in_cadence", "review_cadence"
    )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.partnership = access.get_partnership_or_404(
                request.user, kwargs[self.partnership_kwarg], self.partnership_queryset
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.partnership, **kwargs)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if not access.can_use_partnerships(request.user) and request.user.is_administrator:
        return redirect("admin:index")
    if access.can_use_partnerships(request.user):
        # Home is the first link of the top navigation: the portfolio dashboard, which
        # registers itself first, or the partnership list if no step app put one before it.
        first = next((item for item in nav_items() if item.visible(request.user)), None)
        return redirect(first.url_name if first else "partnerships:list")
    return redirect("partnerships:list")


# Partnerships ----------------------------------------------------------------------------------


def row_facts(p: Partnership) -> tuple:
    """Everything a row of the list shows. The rows' HTML is cached under these facts (with the
    day and the code's release), so any change to what a row shows renders it anew and there is
    nothing to invalidate. Rendering 25 rows was more than half of the page's time; the facts
    come from the rows the page reads anyway."""
    organization = p.organization
    return (
        p.pk,
        p.name,
        p.stage,
        p.type,
        p.tier,
        organization and (organization.pk, organization.name),
        p.executive_sponsor_id,
        str(p.executive_sponsor),
        tuple(str(m) for m in p.manager_list),
        p.next_check_in_due,
        p.next_review_due,
    )


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PartnershipListView(RoleRequiredMixin, data_version.CachedBodyMixin, ListView):
    """GET only and read only: no request-wide transaction (see PartnershipDetailView).

    The whole body is cached under the data version, the viewer and the query string; inside
    it, each page of rows under the facts it shows, which outlive writes elsewhere."""

    template_name = "partnerships/partnership_list.html"
    body_name = "partnership_list"
    paginate_by = 25
    context_object_name = "partnerships"

    def get_filter(self) -> PartnershipFilter:
        base = access.visible_partnerships(self.request.user).for_list().order_by("name")
        return PartnershipFilter(self.request.GET or None, queryset=base, request=self.request)

    def get_queryset(self):
        self.filterset = self.get_filter()
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def is_filtered(self) -> bool:
        # A refused value (a stale bookmark's ?sort=…) filters too: the page then offers to clear
        # the filters, not to start a first partnership.
        refused = self.filterset.is_bound and not self.filterset.is_valid()
        return refused or any(v for k, v in self.request.GET.items() if k not in {"page", "sort"})

    @cached_property
    def stage_counts(self) -> dict[str, int]:
        return dict(
            access.visible_partnerships(self.request.user)
            .values_list("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if not self.is_filtered() and queryset is self.filterset.qs:
            # Unfiltered, the stage counts add up to the rows: one COUNT fewer per page.
            paginator.count = sum(self.stage_counts.values())
        return paginator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        counts = self.stage_counts
        query = self.request.GET.copy()
        query.pop("page", None)
        today = timezone.localdate()
        ctx.update(
            filter=self.filterset,
            stage_counts=[(stage, label, counts.get(stage, 0)) for stage, label in Stage.choices],
            total_count=sum(counts.values()),
            today=today,
            rows_key=[release(), today, *(row_facts(p) for p in ctx["partnerships"])],
            # The filter bar, cached under what it shows: the values asked for, and the managers
            # to choose from (one short query instead of rendering every option).
            filters_key=[
                release(),
                sorted((k, v) for k, v in self.request.GET.lists() if k != "page"),
                list(
                    self.filterset.form.fields["manager"].queryset.values_list(
                        "pk", "full_name", "email"
                    )
                ),
            ],
            querystring=query.urlencode(),
            is_filtered=self.is_filtered(),
        )
        return ctx


class PartnershipExportView(PartnershipListView):
    """The filtered list as CSV, the same rows the user sees, all pages."""

    chunk_size = 500  # rows read (and managers prefetched) at a time
    header = [
        "Name", "Stage", "Type", "Tier", "Partner", "Executive sponsor", "Partner managers",
        "Start date", "Next check-in due", "Next review due",
    ]  # fmt: skip

    def get(self, request: HttpRequest, *args, **kwargs) -> StreamingHttpResponse:
        rows = (
            [
                p.name,
                p.get_stage_display(),
                p.get_type_display(),
                p.get_tier_display(),
                p.organization.name if p.organization else "",
                str(p.executive_sponsor),
                "; ".join(str(m) for m in p.manager_list),
                p.start_date,
                p.next_check_in_due,
                p.next_review_due,
            ]
            for p in self.get_queryset().iterator(chunk_size=self.chunk_size)
        )
        filename = f"partnerships-{timezone.localdate().isoformat()}.csv"
        audit.record(
            audit.Action.EXPORTED,
            label=filename,
            extra={"export": "partnerships", "query": request.GET.urlencode()[:500]},
        )
        return csv_response(filename=filename, header=self.header, rows=rows)


class PartnershipCreateView(RoleRequiredMixin, CreateView):
    model = Partnership
    form_class = PartnershipForm
    template_name = "partnerships/partnership_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "managers"}
        try:
            self.object = services.partnership_create(
                by=self.request.user, managers=form.cleaned_data["managers"], **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"“{self.object}” is created. Next: define its objectives.")
        return redirect(self.object)


class PartnershipUpdateView(PartnershipMixin, UpdateView):
    form_class = PartnershipForm
    template_name = "partnerships/partnership_form.html"

    def get_object(self, queryset=None) -> Partnership:
        return self.partnership

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "managers"}
        try:
            self.object = services.partnership_update(
                partnership=self.object,
                by=self.request.user,
                managers=form.cleaned_data["managers"],
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Changes saved.")
        return redirect(self.object)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PartnershipDetailView(data_version.CachedBodyMixin, PartnershipMixin, DetailView):
    """The workspace: an overview, then a tab per lifecycle step.

    GET only, and outside a request-wide transaction: its queries read committed data each way,
    and the one tab that writes (Health, storing what it just computed) does so atomically in
    its service. The busiest page of the product saves a BEGIN and a COMMIT per view.

    The overview as a whole page is cached HTML under the data version (the mixin comes first:
    its token is taken before the partnership is read); the access rule still runs each time.
    """

    template_name = "partnerships/workspace.html"
    context_object_name = "partnership"
    body_name = "workspace"

    def get_object(self, queryset=None) -> Partnership:
        return self.partnership

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))  # a tab alone must not be cached as a page
        return response

    def caches_body(self) -> bool:
        return self.kwargs.get("tab", "overview") == "overview" and self.whole_page

    @property
    def partnership_queryset(self):
        # A cached page needs the access rule's answer and the title only: without the four
        # joins its query takes 1.0 ms instead of 2.5 ms (500 reads, best of 5, 1,000
        # partnerships), a fifth of a cached overview; a body rendered anew reads them lazily.
        if self.caches_body():
            return Partnership.objects.all()
        return PartnershipMixin.partnership_queryset

    def body_facts(self) -> list:
        return [self.partnership.pk]

    def cached_body_context(self) -> dict:
        return {"partnership": self.partnership}

    @property
    def whole_page(self) -> bool:
        return not (self.request.htmx and not self.request.htmx.history_restore_request)

    def get_template_names(self) -> list[str]:
        return [self.template_name if self.whole_page else "partnerships/_workspace_body.html"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        slug = self.kwargs.get("tab", "overview")
        registered = {t.slug: t for t in tabs()}
        if slug == "overview":
            self.tab_template = "partnerships/tabs/overview.html"
            ctx.update(self.overview_context())
        elif slug in registered:
            tab = registered[slug]
            self.tab_template = tab.template
            if tab.context:
                ctx.update(tab.context(self.request, self.partnership))
        else:
            raise Http404("No such tab.")
        # Each tab's address built once here, not twice per tab in the template (href, hx-get).
        pk = self.partnership.pk
        links = [("overview", "Overview", reverse("partnerships:detail", args=[pk]))]
        links += [(t.slug, t.label, reverse("partnerships:tab", args=[pk, t.slug])) for t in tabs()]
        ctx.update(tab_links=links, active_tab=slug, tab_template=self.tab_template)
        return ctx

    def overview_context(self) -> dict:
        """The overview's body is cached HTML (tabs/overview.html) under the data version, the
        viewer and their day: what it reads is read only when it is rendered."""
        p, user = self.partnership, self.request.user
        return {
            "managers": p.managers.all(),
            "gates": SimpleLazyObject(lambda: services.next_gates(p)),
            "move_form": MoveForm(),
            "can_approve": access.can_approve(user),
            "executive_moves": services.EXECUTIVE_MOVES,
            "transitions": Transition.objects.filter(partnership=p).select_related("by")[:20],
            "activities": Activity.objects.filter(partnership=p).select_related(
                "actor__partner_contact__organization"
            )[:10],
            "stage_path": _stage_path(p.stage),
            "today": timezone.localdate(),
            "overview_key": data_version.page_key(self.request, self.data_version, p.pk),
        }


def _stage_path(current: str) -> list[dict]:
    order = [Stage.DEFINING, Stage.SELECTING, Stage.AGREEING, Stage.ACTIVE, Stage.RENEWING]
    index = order.index(current) if current in order else len(order)
    return [
        {"stage": s, "label": s.label, "done": i < index, "current": s == current}
        for i, s in enumerate(order)
    ]


class PartnershipMoveView(PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int) -> HttpResponse:
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a stage to move to.")
            return redirect(self.partnership)
        to_stage = form.cleaned_data["to_stage"]
        try:
            services.partnership_move(
                partnership=self.partnership,
                to_stage=to_stage,
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except services.GateClosed as exc:
            messages.error(
                request,
                f"Not yet ready for “{Stage(to_stage).label}”: " + " ".join(exc.missing),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Moved to “{Stage(to_stage).label}”.")
        return redirect(self.partnership)


# Organizations ---------------------------------------------------------------------------------


class OrganizationListView(RoleRequiredMixin, ListView):
    template_name = "partnerships/organization_list.html"
    paginate_by = 25
    context_object_name = "organizations"

    def get_queryset(self):
        self.filterset = OrganizationFilter(
            self.request.GET or None,
            queryset=Organization.objects.annotate(contact_count=Count("contacts")).order_by(
                "name"
            ),
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset, querystring=query.urlencode(), **kwargs
        )


class OrganizationDetailView(RoleRequiredMixin, DetailView):
    model = Organization
    template_name = "partnerships/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        visible = access.visible_partnerships(self.request.user).select_related("executive_sponsor")
        return Organization.objects.prefetch_related(
            "contacts", Prefetch("partnerships", queryset=visible, to_attr="visible_partnerships")
        )


class OrganizationCreateView(RoleRequiredMixin, CreateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "partnerships/organization_form.html"

    def form_valid(self, form):
        messages.success(self.request, f"“{form.instance.name}” is added. Add its contacts below.")
        return super().form_valid(form)


class OrganizationUpdateView(RoleRequiredMixin, UpdateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "partnerships/organization_form.html"

    def form_valid(self, form):
        messages.success(self.request, "Changes saved.")
        return super().form_valid(form)


class ContactMixin(RoleRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        self.organization = get_object_or_404(Organization, pk=kwargs["organization_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse("partnerships:organization_detail", args=[self.organization.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.organization, **kwargs)


class ContactCreateView(ContactMixin, CreateView):
    model = Contact
    form_class = ContactForm
    template_name = "partnerships/contact_form.html"

    def form_valid(self, form):
        form.instance.organization = self.organization
        messages.success(self.request, f"{form.instance.name} is added.")
        return super().form_valid(form)


class ContactUpdateView(ContactMixin, UpdateView):
    form_class = ContactForm
    template_name = "partnerships/contact_form.html"
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return Contact.objects.filter(organization=self.organization)

    def form_valid(self, form):
        messages.success(self.request, "Contact saved.")
        return super().form_valid(form)


class ContactRemoveMixin(ContactMixin):
    """The removal page of a contact: where they are still named, and what to do instead."""

    template_name = "partnerships/contact_remove.html"

    @cached_property
    def contact(self) -> Contact:
        return get_object_or_404(Contact, pk=self.kwargs["pk"], organization=self.organization)

    def page(self, *, uses=None, form=None, status: int = 200) -> HttpResponse:
        uses = services.contact_uses(self.contact) if uses is None else uses
        seen = set(
            access.visible_partnerships(self.request.user)
            .filter(pk__in={u.partnership_id for u in uses})
            .values_list("pk", flat=True)
        )
        shown = [u for u in uses if u.partnership_id in seen]
        groups: dict[int, dict] = {}
        for use in shown:
            group = groups.setdefault(
                use.partnership_id,
                {
                    "name": use.partnership_name,
                    "url": reverse("partnerships:detail", args=[use.partnership_id]),
                    "uses": [],
                },
            )
            group["uses"].append(use)
        movable = [u for u in uses if u.movable]
        context = {
            "organization": self.organization,
            "contact": self.contact,
            "uses": uses,
            "groups": list(groups.values()),
            "hidden_count": len(uses) - len(shown),
            "movable_count": len(movable),
            "record_count": len(uses) - len(movable),
            "can_reassign": bool(movable) and all(u.partnership_id in seen for u in movable),
            "form": form or ContactReassignForm(contact=self.contact),
        }
        return render(self.request, self.template_name, context, status=status)


class ContactDeleteView(ContactRemoveMixin, View):
    def get(self, request: HttpRequest, organization_pk: int, pk: int) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest, organization_pk: int, pk: int) -> HttpResponse:
        try:
            services.contact_delete(contact=self.contact, by=request.user)
        except services.ContactInUse as exc:
            return self.page(uses=exc.uses, status=409)  # the page says where, and what instead
        messages.success(request, f"{self.contact.name} is removed.")
        return redirect(self.get_success_url())


class ContactRetireView(ContactRemoveMixin, View):
    def post(self, request: HttpRequest, organization_pk: int, pk: int) -> HttpResponse:
        contact = services.contact_retire(contact=self.contact, by=request.user)
        messages.success(
            request,
            f"{contact.name} is kept as a former contact (left on {contact.left_on:%-d %b %Y}): "
            "the records that name them stay as they are, and nothing new can name them.",
        )
        return redirect(self.get_success_url())


class ContactReassignView(ContactRemoveMixin, View):
    def post(self, request: HttpRequest, organization_pk: int, pk: int) -> HttpResponse:
        form = ContactReassignForm(request.POST, contact=self.contact)
        if not form.is_valid():
            return self.page(form=form, status=400)
        to = form.cleaned_data["to"]
        try:
            result = services.contact_reassign(contact=self.contact, to=to, by=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return self.page(form=form, status=403)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.page(form=form, status=400)
        moved = len(result.moved)
        handed = f"{moved} place{'s' if moved != 1 else ''} handed to {to.name}"
        if result.removed:
            messages.success(request, f"{handed}; {self.contact.name} is removed.")
        else:
            messages.success(
                request,
                f"{handed}; {self.contact.name} is kept as a former contact, because records "
                "still name them.",
            )
        return redirect(self.get_success_url())


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


# The timeline ----------------------------------------------------------------------------------

# Labels of the kinds of event services write with ``record_activity``; a kind that is not listed
# (a step app that lands later) still shows, under a label made from its name.
TIMELINE_KINDS = {
    "partnership": "Partnership",
    "stage": "Stage moves",
    "objective": "Objectives",
    "alignment": "Alignment",
    "selection": "Choosing the partner",
    "agreement": "Agreement",
    "check_in": "Check-ins",
    "action_item": "Action items",
    "concern": "Concerns",
    "escalation": "Escalations",
    "discussion": "Discussion",
    "kpi": "KPIs",
    "measurement": "Measurements",
    "review": "Reviews",
    "milestone": "Milestones",
    "opportunity": "Opportunities",
    "renewal": "Renewal",
}
TIMELINE_ICONS = {
    "stage": "signpost-split",
    "objective": "bullseye",
    "alignment": "arrows-angle-contract",
    "selection": "clipboard-check",
    "agreement": "file-earmark-text",
    "check_in": "chat-square-text",
    "action_item": "check2-square",
    "concern": "exclamation-diamond",
    "escalation": "arrow-up-circle",
    "discussion": "chat-dots",
    "measurement": "graph-up",
    "review": "clipboard-data",
    "milestone": "flag",
}


def timeline_label(kind: str) -> str:
    return TIMELINE_KINDS.get(kind) or kind.replace("_", " ").replace(".", " · ").capitalize()


class PartnershipTimelineView(PartnershipMixin, ListView):
    """Everything that happened to a partnership, newest first, filterable by kind."""

    template_name = "partnerships/timeline.html"
    paginate_by = 50
    context_object_name = "events"

    def get_queryset(self):
        self.kind = self.request.GET.get("kind", "")
        rows = Activity.objects.filter(partnership=self.partnership)
        if self.kind:
            rows = rows.filter(kind=self.kind)
        # A partner contact's doings show as theirs: their organisation next to their name.
        return rows.select_related("actor__partner_contact__organization").order_by("-at", "-pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        present = set(
            Activity.objects.filter(partnership=self.partnership)
            .order_by()
            .values_list("kind", flat=True)
            .distinct()
        )
        known = [k for k in TIMELINE_KINDS if k in present]
        others = sorted(present - set(TIMELINE_KINDS))
        for event in ctx["events"]:
            event.label = timeline_label(event.kind)
            event.icon = TIMELINE_ICONS.get(event.kind, "dot")
        ctx.update(
            kinds=[(k, timeline_label(k)) for k in known + others],
            kind=self.kind,
            querystring=f"kind={self.kind}" if self.kind else "",
        )
        return ctx
