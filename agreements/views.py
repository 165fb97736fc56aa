import datetime
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accord_csv import csv_response
from audit import services as audit
from partnerships import access
from partnerships.forms import add_service_error
from partnerships.views import PartnershipMixin, RoleRequiredMixin

from . import services
from .completeness import missing_for_signing, plan_of
from .documents import KINDS
from .filters import AgreementFilter
from .forms import (
    AgreementForm,
    CompareForm,
    DocumentForm,
    PlanForm,
    ResponsibilityForm,
    SignForm,
    StatusForm,
    StepForm,
)
from .models import Agreement, EscalationStep, Responsibility, Status
from .selectors import (
    compare,
    current_of,
    history_of,
    responsibilities_by_party,
    versions_of,
    with_parts,
)

NOTICE_WINDOW_DAYS = 90


def agreement_context(request: HttpRequest, agreement: Agreement) -> dict:
    """What the agreement body shows: the version (loaded ``with_parts``) and its state."""
    today = timezone.localdate()
    return {
        "agreement": agreement,
        "plan": plan_of(agreement),
        "responsibility_groups": responsibilities_by_party(agreement),
        "steps": list(agreement.escalation_steps.all()),
        "missing": missing_for_signing(agreement) if agreement.is_open else [],
        "can_edit": agreement.is_open and agreement.partnership.stage != "ended",
        "can_sign": access.can_approve(request.user),
        "today": today,
        "notice_soon": bool(
            agreement.notice_deadline
            and agreement.notice_deadline <= today + datetime.timedelta(days=NOTICE_WINDOW_DAYS)
        ),
    }


def tab_context(request: HttpRequest, partnership) -> dict:
    """The workspace's Agreement tab: the current version, its completeness, plan and ladder."""
    versions = versions_of(partnership)
    current = current_of(versions)
    ctx: dict = {"versions": versions, "agreement": None}
    if current is not None:
        current = with_parts().get(pk=current.pk)
        ctx.update(agreement_context(request, current))
        ctx["in_force"] = next(
            (v for v in versions if v.status == Status.SIGNED and v.pk != current.pk), None
        )
        ctx["open_version"] = next((v for v in versions if v.is_open), None)
    return ctx


class AgreementMixin(PartnershipMixin):
    """Loads the version named by ``agreement_pk``, only within ``self.partnership``."""

    @cached_property
    def agreement(self) -> Agreement:
        return get_object_or_404(
            with_parts(), pk=self.kwargs["agreement_pk"], partnership=self.partnership
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)

    def refuse_unless_open(self) -> HttpResponse | None:
        if self.agreement.is_open:
            return None
        messages.error(
            self.request,
            f"Version {self.agreement.version} is {self.agreement.get_status_display().lower()}: "
            "it can no longer be changed. Start a new version to change its terms.",
        )
        return redirect(self.agreement)


class OpenOnlyMixin(AgreementMixin):
    """Forms that change a version: a signed one is shown, never edited."""

    def get(self, request, *args, **kwargs):
        return self.refuse_unless_open() or super().get(request, *args, **kwargs)


# The list of all agreements ---------------------------------------------------------------------


class AgreementListView(RoleRequiredMixin, ListView):
    template_name = "agreements/agreement_list.html"
    paginate_by = 25
    context_object_name = "agreements"

    def get_queryset(self):
        visible = access.visible_partnerships(self.request.user).values("pk")
        base = Agreement.objects.filter(partnership__in=visible).for_list()
        self.filterset = AgreementFilter(self.request.GET or None, queryset=base)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return base.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            filter=self.filterset,
            today=today,
            soon=today + datetime.timedelta(days=NOTICE_WINDOW_DAYS),
            querystring=query.urlencode(),
            is_filtered=any(v for k, v in self.request.GET.items() if k != "page"),
        )
        return ctx


class AgreementExportView(AgreementListView):
    header = [
        "Partnership", "Partner", "Version", "Title", "Status", "Effective date", "Expiry date",
        "Notice period (days)", "Notice deadline", "Renews automatically", "Date signed",
    ]  # fmt: skip

    def get(self, request: HttpRequest, *args, **kwargs) -> StreamingHttpResponse:
        rows = (
            [
                a.partnership.name,
                a.partnership.organization.name if a.partnership.organization else "",
                a.version,
                a.title,
                a.get_status_display(),
                a.effective_date,
                a.expiry_date,
                a.notice_period_days,
                a.notice_deadline,
                "yes" if a.auto_renew else "no",
                a.signed_on,
            ]
            for a in self.get_queryset().iterator(chunk_size=500)
        )
        filename = f"agreements-{timezone.localdate().isoformat()}.csv"
        audit.record(
            audit.Action.EXPORTED,
            label=filename,
            extra={"export": "agreements", "query": request.GET.urlencode()[:500]},
        )
        return csv_response(filename=filename, header=self.header, rows=rows)


# One version ------------------------------------------------------------------------------------


class AgreementCreateView(PartnershipMixin, FormView):
    template_name = "agreements/agreement_form.html"

    @cached_property
    def previous(self) -> Agreement | None:
        return services.latest_version(self.partnership)

    def get(self, request, *args, **kwargs):
        open_version = Agreement.objects.filter(partnership=self.partnership).open().first()
        if open_version is not None:
            messages.info(
                request,
                f"Version {open_version.version} is still open: finish or discard it before "
                "starting another.",
            )
            return redirect(open_version)
        if self.partnership.is_ended:
            messages.error(
                request, "This partnership has ended: its agreement can no longer change."
            )
            return redirect("partnerships:tab", self.partnership.pk, "agreement")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        if self.previous is None:
            return {"title": f"{self.partnership.name} agreement"}
        return {name: getattr(self.previous, name) for name in services.TERMS}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "submit": "Start the draft",
            "cancel_url": reverse("partnerships:tab", args=[self.partnership.pk, "agreement"]),
        }

    def get_form_class(self):
        return AgreementForm

    def form_valid(self, form):
        try:
            agreement = services.agreement_start(
                partnership=self.partnership, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if self.previous is not None:
            messages.success(
                self.request,
                f"Version {agreement.version} is drafted, copied from version "
                f"{self.previous.version}. Change what the new version changes, then sign it.",
            )
        else:
            messages.success(
                self.request,
                "The draft is started. Next: responsibilities of both parties, the communication "
                "plan and the dispute-resolution ladder.",
            )
        return redirect(agreement)

    def get_context_data(self, **kwargs):
        return super().get_context_data(previous=self.previous, here="New version", **kwargs)


class AgreementDetailView(AgreementMixin, TemplateView):
    template_name = "agreements/agreement_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(agreement_context(self.request, self.agreement))
        ctx["versions"] = versions_of(self.partnership)
        ctx["open_version"] = next((v for v in ctx["versions"] if v.is_open), None)
        return ctx


class AgreementUpdateView(OpenOnlyMixin, FormView):
    template_name = "agreements/agreement_form.html"
    form_class = AgreementForm
    extra_context = {"here": "Edit terms"}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.agreement,
            "submit": "Save changes",
            "cancel_url": self.agreement.get_absolute_url(),
        }

    def form_valid(self, form):
        try:
            services.agreement_update(
                agreement=self.agreement, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Changes saved.")
        return redirect(self.agreement)


class AgreementStatusView(AgreementMixin, View):
    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose what to do with this version.")
            return redirect(self.agreement)
        try:
            agreement = services.agreement_set_status(
                agreement=self.agreement,
                by=request.user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _words(exc))
        else:
            messages.success(
                request,
                f"Version {agreement.version} is now {agreement.get_status_display().lower()}.",
            )
        return redirect(self.agreement)


class AgreementDiscardView(AgreementMixin, View):
    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        try:
            services.agreement_discard(agreement=self.agreement, by=request.user)
        except ValidationError as exc:
            messages.error(request, _words(exc))
            return redirect(self.agreement)
        messages.success(request, f"Version {self.agreement.version} is discarded.")
        return redirect("partnerships:tab", self.partnership.pk, "agreement")


class AgreementSignView(AgreementMixin, FormView):
    """An executive records the signature. Others see why they cannot."""

    template_name = "agreements/agreement_sign.html"
    form_class = SignForm
    extra_context = {"here": "Sign"}

    def get_initial(self):
        # Most often the executive signing is the one who signed the paper, with the partner's
        # lead from the plan: offered, never assumed.
        plan = plan_of(self.agreement)
        lead = plan.partner_lead if plan else None
        return {
            "our_signatory": self.agreement.our_signatory or self.request.user.full_name,
            "partner_signatory": self.agreement.partner_signatory
            or (", ".join(p for p in (lead.name, lead.title) if p) if lead else ""),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": self.agreement.get_absolute_url()}

    def get(self, request, *args, **kwargs):
        return self.refuse_unless_open() or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            missing=missing_for_signing(self.agreement),
            can_sign=access.can_approve(self.request.user),
        )
        return ctx

    def form_valid(self, form):
        try:
            services.agreement_sign(
                agreement=self.agreement, by=self.request.user, **form.cleaned_data
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except services.NotReadyToSign as exc:
            form.add_error(None, "Not ready to sign: " + " ".join(exc.missing))
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        self.partnership.refresh_from_db()
        messages.success(
            self.request,
            f"Version {self.agreement.version} is signed. The partnership is "
            f"“{self.partnership.get_stage_display()}”; first check-in due "
            f"{self.partnership.next_check_in_due:%-d %b %Y}, first review due "
            f"{self.partnership.next_review_due:%-d %b %Y}.",
        )
        return redirect(self.agreement)


class DocumentUploadView(AgreementMixin, FormView):
    template_name = "agreements/document_form.html"
    form_class = DocumentForm
    extra_context = {"here": "Document"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": self.agreement.get_absolute_url()}

    def form_valid(self, form):
        try:
            services.agreement_attach_document(
                agreement=self.agreement, by=self.request.user, upload=form.cleaned_data["document"]
            )
        except ValidationError as exc:
            form.add_error("document", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "The document is uploaded.")
        return redirect(self.agreement)


class DocumentDownloadView(AgreementMixin, View):
    """The only way to the stored file: through the access rule, as an attachment."""

    def get(self, request: HttpRequest, **kwargs) -> FileResponse:
        agreement = self.agreement
        if not agreement.document:
            raise Http404("This version has no document.")
        try:
            handle = agreement.document.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The document is missing from storage.") from exc
        suffix = "." + agreement.document.name.rsplit(".", 1)[-1].lower()
        kind = KINDS.get(suffix)
        filename = agreement.document_name or f"agreement-v{agreement.version}{suffix}"
        audit.record(
            audit.Action.DOCUMENT_DOWNLOADED,
            target=agreement,
            label=f"{agreement.partnership.name} · v{agreement.version} · {filename}",
            extra={"file": filename},
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type=kind.content_type if kind else "application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AgreementHistoryView(AgreementMixin, TemplateView):
    template_name = "agreements/agreement_history.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        paginator = Paginator(history_of(self.agreement), self.per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        ctx.update(
            entries=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
        )
        return ctx


class AgreementCompareView(PartnershipMixin, TemplateView):
    template_name = "agreements/agreement_compare.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        versions = list(with_parts().filter(partnership=self.partnership).order_by("-version"))
        by_pk = {v.pk: v for v in versions}
        data = self.request.GET if {"a", "b"} <= set(self.request.GET) else None
        if data is None and len(versions) >= 2:
            data = {"a": versions[1].pk, "b": versions[0].pk}
        form = CompareForm(data, versions=versions)
        sections = None
        if data is not None and form.is_valid():
            left, right = by_pk[form.cleaned_data["a"]], by_pk[form.cleaned_data["b"]]
            sections = compare(left, right)
            ctx.update(left=left, right=right)
        ctx.update(form=form, versions=versions, sections=sections)
        return ctx


# Parts ------------------------------------------------------------------------------------------


class PartFormMixin(OpenOnlyMixin):
    template_name = "agreements/part_form.html"
    heading = ""

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "cancel_url": self.agreement.get_absolute_url(),
        }

    def get_context_data(self, **kwargs):
        heading = self.get_heading()
        return super().get_context_data(heading=heading, here=heading, **kwargs)

    def get_heading(self) -> str:
        return self.heading

    def save(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.save(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.agreement.get_absolute_url() + self.anchor)


class ResponsibilityCreateView(PartFormMixin, FormView):
    form_class = ResponsibilityForm
    heading = "Add a responsibility"
    success_message = "Responsibility added."
    anchor = "#responsibilities"

    def get_initial(self):
        party = self.request.GET.get("party")
        return {"party": party} if party in ("us", "partner", "joint") else {}

    def save(self, form) -> None:
        services.responsibility_save(
            agreement=self.agreement, by=self.request.user, **form.cleaned_data
        )


class ResponsibilityUpdateView(PartFormMixin, FormView):
    form_class = ResponsibilityForm
    heading = "Edit a responsibility"
    success_message = "Responsibility saved."
    anchor = "#responsibilities"

    @cached_property
    def responsibility(self) -> Responsibility:
        return get_object_or_404(
            Responsibility, pk=self.kwargs["responsibility_pk"], agreement=self.agreement
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.responsibility}

    def save(self, form) -> None:
        services.responsibility_save(
            agreement=self.agreement,
            by=self.request.user,
            responsibility=Responsibility.objects.get(pk=self.responsibility.pk),
            **form.cleaned_data,
        )


class ResponsibilityDeleteView(AgreementMixin, View):
    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        item = get_object_or_404(
            Responsibility, pk=kwargs["responsibility_pk"], agreement=self.agreement
        )
        try:
            services.responsibility_delete(responsibility=item, by=request.user)
        except ValidationError as exc:
            messages.error(request, _words(exc))
        else:
            messages.success(request, f"Responsibility “{item.area}” removed.")
        return redirect(self.agreement.get_absolute_url() + "#responsibilities")


class PlanEditView(PartFormMixin, FormView):
    form_class = PlanForm
    heading = "Communication plan"
    success_message = "Communication plan saved."
    anchor = "#plan"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": plan_of(self.agreement)}

    def save(self, form) -> None:
        services.plan_save(agreement=self.agreement, by=self.request.user, **form.cleaned_data)


class StepCreateView(PartFormMixin, FormView):
    form_class = StepForm
    heading = "Add a step to the dispute-resolution ladder"
    success_message = "Step added to the ladder."
    anchor = "#ladder"

    def get_initial(self):
        return {"level": services.next_level(self.agreement), "days_to_respond": 10}

    def save(self, form) -> None:
        services.step_save(agreement=self.agreement, by=self.request.user, **form.cleaned_data)


class StepUpdateView(PartFormMixin, FormView):
    form_class = StepForm
    heading = "Edit a step of the ladder"
    success_message = "Step saved."
    anchor = "#ladder"

    @cached_property
    def step(self) -> EscalationStep:
        return get_object_or_404(
            EscalationStep, pk=self.kwargs["step_pk"], agreement=self.agreement
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.step}

    def save(self, form) -> None:
        services.step_save(
            agreement=self.agreement,
            by=self.request.user,
            step=EscalationStep.objects.get(pk=self.step.pk),
            **form.cleaned_data,
        )


class StepDeleteView(AgreementMixin, View):
    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        step = get_object_or_404(EscalationStep, pk=kwargs["step_pk"], agreement=self.agreement)
        try:
            services.step_delete(step=step, by=request.user)
        except ValidationError as exc:
            messages.error(request, _words(exc))
        else:
            messages.success(request, f"Level {step.level} removed from the ladder.")
        return redirect(self.agreement.get_absolute_url() + "#ladder")


def _words(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
