from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from partnerships import services as partnership_services
from partnerships.models import Partnership, Stage
from partnerships.views import PartnershipMixin

from . import services
from .forms import CandidateEditForm, CandidateForm, ChooseForm, DeclineForm, ScoreForm
from .models import Candidate, CandidateStatus, Criterion, Score
from .scoring import build_scorecard, is_open, ordered_criteria
from .selectors import track_records

PAGE_SIZE = 25
SHOW_CHOICES = {
    "in_play": "Still in play",
    "short": "Short list and chosen",
    "all": "All, declined too",
}


def _candidates(partnership: Partnership):
    return Candidate.objects.filter(partnership=partnership).select_related("organization")


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def panel_context(request: HttpRequest, partnership: Partnership) -> dict:
    """The candidate list with each one's standing, for the Selection tab and its page."""
    status_order = [
        CandidateStatus.CHOSEN,
        CandidateStatus.SHORT_LIST,
        CandidateStatus.LONG_LIST,
        CandidateStatus.DECLINED,
    ]
    by_status = Case(
        *(When(status=s, then=i) for i, s in enumerate(status_order)),
        output_field=IntegerField(),
    )
    candidates = _candidates(partnership).order_by(by_status, "organization__name", "pk")
    paginator = Paginator(candidates, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page_candidates = list(page.object_list)
    scorecard = build_scorecard(
        partnership=partnership,
        candidates=page_candidates,
        criteria=list(Criterion.objects.active()),
        viewer=request.user,
    )
    records = track_records(
        request.user, {c.organization_id for c in page_candidates}, exclude=partnership
    )
    for card in scorecard.cards:
        card.track_record = records.get(card.candidate.organization_id, [])
    counts = dict(
        Candidate.objects.filter(partnership=partnership)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    to_score = [c for c in scorecard.cards if not c.submitted and is_open(c.candidate, partnership)]
    return {
        "cards": scorecard.cards,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "status_counts": [(s, s.label, counts.get(s, 0)) for s in status_order],
        "candidate_count": sum(counts.values()),
        "to_score": to_score,
        "is_open": partnership.stage in (Stage.DEFINING, Stage.SELECTING),
        "is_selecting": partnership.stage == Stage.SELECTING,
        "criteria_count": len(scorecard.criteria),
    }


def tab_context(request: HttpRequest, partnership: Partnership) -> dict:
    return panel_context(request, partnership)


class CandidateListView(PartnershipMixin, TemplateView):
    template_name = "selection/candidate_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(panel_context(self.request, self.partnership))
        return ctx


class CandidateCreateView(PartnershipMixin, View):
    template_name = "selection/candidate_form.html"

    def get(self, request: HttpRequest, partnership_pk: int) -> HttpResponse:
        return self.render(CandidateForm(partnership=self.partnership))

    def post(self, request: HttpRequest, partnership_pk: int) -> HttpResponse:
        form = CandidateForm(request.POST, partnership=self.partnership)
        if form.is_valid():
            try:
                candidate = services.candidate_add(
                    partnership=self.partnership, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, f"{candidate} is on the {candidate.get_status_display().lower()}."
                )
                return redirect(_tab_url(self.partnership))
        return self.render(form)

    def render(self, form: CandidateForm) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"partnership": self.partnership, "form": form, "is_open": _is_open(self.partnership)},
        )


def _is_open(partnership: Partnership) -> bool:
    return partnership.stage in (Stage.DEFINING, Stage.SELECTING)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _tab_url(partnership: Partnership) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, "selection"])


class CandidateDetailView(PartnershipMixin, TemplateView):
    template_name = "selection/candidate_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        candidate = get_object_or_404(_candidates(self.partnership), pk=self.kwargs["candidate_pk"])
        criteria = ordered_criteria(Criterion.objects.all())
        card = build_scorecard(
            partnership=self.partnership,
            candidates=[candidate],
            criteria=criteria,
            viewer=self.request.user,
        ).cards[0]
        scores = list(
            Score.objects.filter(candidate=candidate)
            .select_related("evaluator")
            .order_by("evaluator__full_name", "evaluator_id")
        )
        if not card.visible:
            scores = [s for s in scores if s.evaluator_id == self.request.user.pk]
        evaluators = list({s.evaluator_id: s.evaluator for s in scores}.values())
        by_cell = {(s.criterion_id, s.evaluator_id): s for s in scores}
        sheet = [
            {
                "criterion": c,
                "cells": [by_cell.get((c.pk, e.pk)) for e in evaluators],
            }
            for c in criteria
            if c.active or any(by_cell.get((c.pk, e.pk)) for e in evaluators)
        ]
        ctx.update(
            candidate=candidate,
            card=card,
            evaluators=evaluators,
            sheet=sheet,
            track_record=track_records(
                self.request.user, [candidate.organization_id], exclude=self.partnership
            ).get(candidate.organization_id, []),
            is_open=_is_open(self.partnership),
            can_score=_is_open(self.partnership) and not candidate.is_declined,
            can_choose=self.partnership.stage == Stage.SELECTING
            and candidate.status in (CandidateStatus.LONG_LIST, CandidateStatus.SHORT_LIST),
        )
        return ctx


class CandidateEditView(PartnershipMixin, View):
    template_name = "selection/candidate_edit.html"

    def get(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        candidate = self.get_candidate()
        return self.render(CandidateEditForm(candidate=candidate), candidate)

    def post(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        candidate = self.get_candidate()
        form = CandidateEditForm(request.POST, candidate=candidate)
        if form.is_valid():
            try:
                services.candidate_update(candidate=candidate, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{candidate} is saved.")
                return redirect(candidate)
        return self.render(form, candidate)

    def get_candidate(self) -> Candidate:
        return get_object_or_404(_candidates(self.partnership), pk=self.kwargs["candidate_pk"])

    def render(self, form, candidate: Candidate) -> HttpResponse:
        context = {"partnership": self.partnership, "form": form, "candidate": candidate}
        return render(self.request, self.template_name, context)


class CandidateActionView(PartnershipMixin, View):
    """A page that confirms one action on a candidate, then does it."""

    template_name: str
    form_class: type

    def get_candidate(self) -> Candidate:
        return get_object_or_404(_candidates(self.partnership), pk=self.kwargs["candidate_pk"])

    def get(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        candidate = self.get_candidate()
        return self.render(self.form_class(), candidate)

    def render(self, form, candidate: Candidate, **extra) -> HttpResponse:
        context = {
            "partnership": self.partnership,
            "form": form,
            "candidate": candidate,
            "refusal": self.refusal(candidate),
            **extra,
        }
        return render(self.request, self.template_name, context)

    def refusal(self, candidate: Candidate) -> str:
        return ""


class CandidateDeclineView(CandidateActionView):
    template_name = "selection/candidate_decline.html"
    form_class = DeclineForm

    def refusal(self, candidate: Candidate) -> str:
        if not _is_open(self.partnership):
            return "The choice of partner is closed."
        if candidate.is_declined:
            return f"{candidate} is already declined."
        if candidate.is_chosen:
            return f"{candidate} is the chosen partner."
        return ""

    def post(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        candidate = self.get_candidate()
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.candidate_decline(
                    candidate=candidate, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{candidate} is declined.")
                return redirect(_tab_url(self.partnership))
        return self.render(form, candidate)


class CandidateChooseView(CandidateActionView):
    template_name = "selection/candidate_choose.html"
    form_class = ChooseForm

    def refusal(self, candidate: Candidate) -> str:
        if self.partnership.stage != Stage.SELECTING:
            return (
                f"A partner is chosen while the partnership is “{Stage.SELECTING.label}”; "
                f"this one is “{self.partnership.get_stage_display()}”."
            )
        if candidate.is_declined:
            return f"{candidate} was declined; put it back on a list first."
        if candidate.is_chosen:
            return f"{candidate} is already chosen."
        return ""

    def render(self, form, candidate: Candidate, **extra) -> HttpResponse:
        others = _candidates(self.partnership).exclude(pk=candidate.pk).in_play()
        return super().render(form, candidate, others=list(others), **extra)

    def post(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        candidate = self.get_candidate()
        form = ChooseForm(request.POST)
        if not form.is_valid():
            return self.render(form, candidate)
        try:
            services.choose_candidate(
                partnership=self.partnership,
                candidate=candidate,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
            return self.render(form, candidate)
        messages.success(request, f"{candidate} is chosen as the partner.")
        if not form.cleaned_data["move_on"]:
            return redirect(_tab_url(self.partnership))
        try:
            partnership_services.partnership_move(
                partnership=self.partnership, to_stage=Stage.AGREEING, by=request.user
            )
        except partnership_services.GateClosed as exc:
            messages.error(
                request, f"Not yet ready for “{Stage.AGREEING.label}”: " + " ".join(exc.missing)
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Moved to “{Stage.AGREEING.label}”.")
        return redirect(self.partnership)


class CandidateScoreView(PartnershipMixin, View):
    template_name = "selection/candidate_score.html"

    def setup_candidate(self) -> None:
        self.candidate = get_object_or_404(
            _candidates(self.partnership), pk=self.kwargs["candidate_pk"]
        )
        self.criteria = ordered_criteria(Criterion.objects.active())

    def get(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        self.setup_candidate()
        mine = {
            s.criterion_id: s
            for s in Score.objects.filter(candidate=self.candidate, evaluator=request.user)
        }
        initial = {}
        for c in self.criteria:
            if c.pk in mine:
                initial[f"score_{c.pk}"] = mine[c.pk].value
                initial[f"comment_{c.pk}"] = mine[c.pk].comment
        form = ScoreForm(initial=initial, criteria=self.criteria)
        return self.render(form, revising=bool(mine))

    def post(self, request: HttpRequest, partnership_pk: int, candidate_pk: int) -> HttpResponse:
        self.setup_candidate()
        form = ScoreForm(request.POST, criteria=self.criteria)
        if form.is_valid():
            try:
                services.scores_submit(
                    candidate=self.candidate, evaluator=request.user, scores=form.scores()
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(
                    request,
                    f"Your scores of {self.candidate} are saved; the other evaluators' scores "
                    "are now shown.",
                )
                return redirect(self.candidate)
        return self.render(form, revising=False)

    def render(self, form: ScoreForm, revising: bool) -> HttpResponse:
        refusal = ""
        if not _is_open(self.partnership):
            refusal = "The choice of partner is closed: scores can no longer change."
        elif self.candidate.is_declined:
            refusal = f"{self.candidate} is declined: it can no longer be scored."
        context = {
            "partnership": self.partnership,
            "candidate": self.candidate,
            "form": form,
            "revising": revising,
            "refusal": refusal,
        }
        return render(self.request, self.template_name, context)


class ComparisonView(PartnershipMixin, TemplateView):
    template_name = "selection/comparison.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "in_play")
        if show not in SHOW_CHOICES:
            show = "in_play"
        candidates = _candidates(self.partnership).order_by("organization__name")
        if show == "in_play":
            candidates = candidates.in_play()
        elif show == "short":
            candidates = candidates.filter(
                status__in=[CandidateStatus.SHORT_LIST, CandidateStatus.CHOSEN]
            )
        all_criteria = list(Criterion.objects.all())
        scorecard = build_scorecard(
            partnership=self.partnership,
            candidates=list(candidates),
            criteria=all_criteria,
            viewer=self.request.user,
        )
        # Side by side in the order of the ranking; the unranked follow by name.
        scorecard.cards.sort(key=lambda c: (c.rank is None, c.rank or 0))
        ctx.update(
            scorecard=scorecard,
            rows=scorecard.rows(),
            chart=scorecard.chart(),
            disagreements=scorecard.disagreements(),
            inactive=[c for c in all_criteria if not c.active],
            total_weight=sum(c.weight for c in scorecard.criteria),
            show=show,
            show_choices=SHOW_CHOICES.items(),
            is_selecting=self.partnership.stage == Stage.SELECTING,
        )
        return ctx
