from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from partnerships.forms import add_service_error
from partnerships.views import PartnershipMixin

from . import selectors, services
from .forms import AnswerForm, GapActionsForm, OpenForm
from .models import GapAction, HealthCheck, HealthCheckSettings, Participant, Side


def tab_url(partnership_pk: int) -> str:
    return reverse("partnerships:tab", args=[partnership_pk, "health-checks"])


def partner_name(partnership) -> str:
    return partnership.organization.name if partnership.organization else "The partner"


def tab_context(request: HttpRequest, partnership) -> dict:
    """The workspace's Health checks tab: the one open (its progress, your part in it), the
    closed ones with their figures, and when the next one is due."""
    checks = selectors.checks_of(partnership)
    current = next((c for c in checks if c.is_open), None)
    if current is not None:
        current.partnership = partnership
        current = services.close_if_due(current)
        if current.is_closed:
            checks = selectors.checks_of(partnership)
            current = None
    mine = None
    if current is not None:
        mine = Participant.objects.filter(health_check=current, user=request.user).first()
    latest = next((c for c in checks if c.latest), None)
    cadence = HealthCheckSettings.load().cadence
    return {
        "checks": [c for c in checks if c.is_closed],
        "current": current,
        "current_progress": selectors.progress(current) if current else None,
        "mine": mine,
        "latest_check": latest,
        "next_due_on": latest.next_due_on if latest else None,
        "cadence": cadence,
        "open_problem": services.open_problem(partnership) if current is None else "",
        "min_answers": services.min_answers(),
        "partner_name": partner_name(partnership),
        "today": timezone.localdate(),
        "can_close_current": current is not None and services.may_close(request.user, current),
    }


class OpenView(PartnershipMixin, FormView):
    template_name = "healthcheck/open.html"
    form_class = OpenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_context_data(self, **kwargs):
        # Said before anything is chosen, not only once the form is sent.
        needed = services.min_answers()
        ours = services.our_candidates(self.partnership).count()
        theirs = services.partner_candidates(self.partnership).count()
        return super().get_context_data(
            problem=services.open_problem(self.partnership),
            short_ours=ours if ours < needed else None,
            short_theirs=theirs if theirs < needed else None,
            partner_name=partner_name(self.partnership),
            cancel_url=tab_url(self.partnership.pk),
            min_answers=services.min_answers(),
            offsets=HealthCheckSettings.load().answer_reminder_offsets,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            check = services.healthcheck_open(
                partnership=self.partnership,
                by=self.request.user,
                closes_on=data["closes_on"],
                ours=data["ours"],
                theirs=data["theirs"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"The health check is open until {check.closes_on:%-d %b %Y}. Everyone asked has "
            "been told; those who have not answered are reminded before it closes.",
        )
        return redirect(check)


class CheckMixin(PartnershipMixin):
    @cached_property
    def check_row(self) -> HealthCheck:
        check = get_object_or_404(
            selectors.check_queryset(), pk=self.kwargs["check_pk"], partnership=self.partnership
        )
        check.partnership = self.partnership
        return check


def results_context(check: HealthCheck, *, portal: bool) -> dict:
    """What the results page shows, on our side and in the portal alike (the same aggregate)."""
    partnership = check.partnership
    partner = partner_name(partnership)
    if not check.is_closed:
        return {"check": check, "partner_name": partner}
    found = selectors.comments(check)
    previous = selectors.previous_of(check)
    our_label = "Us" if portal else "Our side"
    their_label = "You" if portal else partner
    return {
        "check": check,
        "results": check.results,
        "partner_name": partner,
        "our_label": our_label,
        "their_label": their_label,
        "sentences": selectors.gap_sentences(check, partner_name=partner, portal=portal),
        "chart": selectors.chart_data(
            check, partner_label=f"You ({partner})" if portal else partner, our_label=our_label
        ),
        "statement_groups": selectors.statements_by_area(check, found),
        "open_answers": selectors.open_answers(check, found),
        "previous": previous,
        "comparison": selectors.comparison(check, previous),
        "both_visible": all(check.results.get("visible", {}).values()),
        "portal": portal,
    }


class DetailView(CheckMixin, TemplateView):
    """A check's page: its progress while open, its results once closed."""

    template_name = "healthcheck/detail.html"

    def get_context_data(self, **kwargs):
        check = services.close_if_due(self.check_row)
        ctx = super().get_context_data(**results_context(check, portal=False), **kwargs)
        user = self.request.user
        ctx["can_close"] = check.is_open and services.may_close(user, check)
        ctx["mine"] = Participant.objects.filter(health_check=check, user=user).first()
        if check.is_open:
            ctx["progress"] = selectors.progress(check)
        else:
            done = list(
                GapAction.objects.filter(health_check=check)
                .select_related("action_item__owner", "action_item__owner_contact")
                .order_by("area")
            )
            ctx["gap_actions"] = done
            acted = {g.area for g in done}
            gaps = [g for g in services.actionable_gaps(check) if g["area"] not in acted]
            if gaps and services.may_close(user, check) and not self.partnership.is_ended:
                ctx["actions_form"] = kwargs.get("actions_form") or GapActionsForm(
                    check=check,
                    gaps=gaps,
                    owners=services.our_candidates(self.partnership),
                    action=reverse("healthcheck:actions", args=[self.partnership.pk, check.pk]),
                )
        return ctx


class GapActionsView(DetailView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, partnership_pk: int, check_pk: int) -> HttpResponse:
        check = self.check_row
        if not services.may_close(request.user, check):
            raise Http404("Only who opened it, or an executive, acts on its gaps.")
        acted = set(GapAction.objects.filter(health_check=check).values_list("area", flat=True))
        gaps = [g for g in services.actionable_gaps(check) if g["area"] not in acted]
        form = GapActionsForm(
            request.POST,
            check=check,
            gaps=gaps,
            owners=services.our_candidates(self.partnership),
            action=request.path,
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = services.gap_actions_create(
                    check=check,
                    by=request.user,
                    areas=data["areas"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    f"{len(made)} action item{'s' if len(made) != 1 else ''} created: "
                    "they are on the Communication tab and in their owner's list.",
                )
                return redirect(check.get_absolute_url() + "#gap-actions")
        return self.render_to_response(self.get_context_data(actions_form=form))


class CloseView(CheckMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, check_pk: int) -> HttpResponse:
        check = self.check_row
        try:
            services.healthcheck_close(check=check, by=request.user)
        except PermissionDenied as exc:
            messages.warning(request, str(exc))
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
        else:
            messages.success(request, "The health check is closed: here are its results.")
        return redirect(check)


class ParticipantMixin:
    """The signed-in person as a participant of the check on this view's side, if asked."""

    side: str

    @cached_property
    def participant(self) -> Participant | None:
        return Participant.objects.filter(
            health_check=self.check_row, user=self.request.user, side=self.side
        ).first()


class AnswerMixin(ParticipantMixin):
    """The answer page, ours and the portal's alike: 404 for anyone not asked on this side,
    the form filled with the person's own answers, refused in words once the check is closed.
    A view says where its pages are (``answered_url``, ``closed_url``) and adds its own context."""

    def answered_url(self) -> str:
        raise NotImplementedError

    def closed_url(self) -> str:
        raise NotImplementedError

    def require_participant(self) -> Participant:
        if self.participant is None:
            raise Http404("You are not asked to answer this health check.")
        return self.participant

    def form(self, data=None) -> AnswerForm:
        check = self.check_row
        return AnswerForm(
            data,
            questions=selectors.form_questions(check),
            answers=services.answers_of(check, self.request.user),
        )

    def get_context_data(self, **kwargs):
        # Closed first if it is due, so the page says when and why it closed.
        check = services.close_if_due(self.check_row)
        participant = self.require_participant()
        closed = check.is_closed or timezone.now() >= check.closes_at or self.partnership.is_ended
        form = kwargs.pop("form", None)
        kwargs.setdefault("partnership", self.partnership)  # ours: PartnershipMixin's already
        return super().get_context_data(
            check=check,
            participant=participant,
            closed=closed,
            form=None if closed else (form or self.form()),
            **kwargs,
        )

    def post(self, request: HttpRequest, partnership_pk: int, check_pk: int) -> HttpResponse:
        self.require_participant()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.answers_save(check=self.check_row, by=request.user, **form.answers())
        except PermissionDenied:
            raise Http404("You are not asked to answer this health check.") from None
        except services.HealthCheckClosed as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.closed_url())
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            "Thank you: your answers are in. You can change them until the check closes; "
            "nobody sees who said what.",
        )
        return redirect(self.answered_url())


class AnswerView(CheckMixin, AnswerMixin, TemplateView):
    """Our participants answer here; partner contacts in the portal. Anyone else: 404."""

    template_name = "healthcheck/answer.html"
    side = Side.US

    def answered_url(self) -> str:
        return tab_url(self.partnership.pk)

    def closed_url(self) -> str:
        return self.check_row.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partner_name=partner_name(self.partnership),
            results_url=self.check_row.get_absolute_url(),
            **kwargs,
        )
