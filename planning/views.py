from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView

from communications.models import Thread
from partnerships import access
from partnerships.forms import add_service_error
from partnerships.models import Stage
from partnerships.views import PartnershipMixin, RoleRequiredMixin

from . import selectors, services
from .forms import (
    AchieveForm,
    MilestoneForm,
    OpportunityForm,
    RenewalDecisionForm,
)
from .models import (
    CURRENCY_SYMBOL,
    OPEN_OPPORTUNITY,
    Horizon,
    Milestone,
    Opportunity,
    OpportunityStatus,
    tab_url,
)


def renewal_context(request: HttpRequest, partnership) -> dict:
    today = timezone.localdate()
    signed, open_version = selectors.agreements_of(partnership)
    deadline = signed.notice_deadline if signed else None
    return {
        "in_force": signed,
        "open_version": open_version,
        "notice_days": (deadline - today).days if deadline else None,
        "notice_days_ago": (today - deadline).days if deadline and deadline < today else None,
        "renewal_entered": selectors.renewal_entered(partnership)
        if partnership.stage == Stage.RENEWING
        else None,
        "decisions": selectors.decisions_of(partnership),
        "can_decide": access.can_approve(request.user) and partnership.stage == Stage.RENEWING,
        "can_approve": access.can_approve(request.user),
    }


def tab_context(request: HttpRequest, partnership) -> dict:
    """The workspace's Relationship tab: milestones and successes, opportunities, renewal."""
    milestones = selectors.milestones_of(partnership)
    opportunities = list(selectors.opportunities_of(partnership))
    open_ones = [o for o in opportunities if o.is_open]
    return {
        "planned_milestones": [m for m in milestones if not m.is_achieved],
        "achieved_milestones": sorted(
            (m for m in milestones if m.is_achieved),
            key=lambda m: (m.achieved_on, m.pk),
            reverse=True,
        ),
        "open_opportunities": open_ones,
        "settled_opportunities": [o for o in opportunities if not o.is_open],
        "open_value": sum(o.estimated_value or 0 for o in open_ones),
        "ideas": selectors.ideas_to_consider(partnership),
        "today": timezone.localdate(),
        "currency": CURRENCY_SYMBOL,
        **renewal_context(request, partnership),
    }


class RelationshipFormMixin(PartnershipMixin):
    template_name = "planning/form_page.html"
    heading = ""
    submit = "Save"
    anchor = ""

    def cancel_url(self) -> str:
        return tab_url(self.partnership.pk, self.anchor)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": self.cancel_url(), "submit": self.submit}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def refuse_if_ended(self) -> HttpResponse | None:
        if self.partnership.stage == Stage.ENDED:
            messages.error(
                self.request, "This partnership has ended: its relationship plan is a record now."
            )
            return redirect(tab_url(self.partnership.pk))
        return None

    # Refused as the other steps refuse a change to an ended partnership: the form does not even
    # open (agreements' OpenOnlyMixin, communications' quick log), and a POST is refused too.
    def get(self, request, *args, **kwargs):
        return self.refuse_if_ended() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_if_ended() or super().post(request, *args, **kwargs)


# Milestones ---------------------------------------------------------------------------------------


class MilestoneMixin(RelationshipFormMixin):
    anchor = "milestones"

    @cached_property
    def milestone(self) -> Milestone:
        return get_object_or_404(
            Milestone.objects.select_related("partnership", "objective"),
            pk=self.kwargs["milestone_pk"],
            partnership=self.partnership,
        )

    def cancel_url(self) -> str:
        if "milestone_pk" in self.kwargs:
            return self.milestone.get_absolute_url()
        return super().cancel_url()


class MilestoneCreateView(MilestoneMixin, FormView):
    form_class = MilestoneForm
    heading = "Plan a milestone"
    submit = "Add the milestone"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def form_valid(self, form):
        try:
            milestone = services.milestone_create(
                partnership=self.partnership, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Milestone “{milestone.title}” planned.")
        return redirect(milestone.get_absolute_url())


class MilestoneUpdateView(MilestoneMixin, FormView):
    form_class = MilestoneForm
    heading = "Edit the milestone"
    submit = "Save the milestone"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "instance": self.milestone,
        }

    def form_valid(self, form):
        try:
            services.milestone_update(
                milestone=self.milestone, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Milestone saved.")
        return redirect(self.milestone.get_absolute_url())

    def get_context_data(self, **kwargs):
        # A planned milestone can be removed from its edit page; an achieved one is a success.
        return super().get_context_data(
            milestone=self.milestone, can_remove=not self.milestone.is_achieved, **kwargs
        )


class MilestoneAchieveView(MilestoneMixin, FormView):
    form_class = AchieveForm
    submit = "Record the achievement"

    @property
    def heading(self) -> str:
        if self.milestone.is_achieved:
            return "Correct the achievement"
        return "Mark the milestone achieved"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.milestone}

    def form_valid(self, form):
        first_time = not self.milestone.is_achieved
        try:
            services.milestone_achieve(
                milestone=self.milestone, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if first_time:
            messages.success(
                self.request,
                f"“{self.milestone.title}” is achieved: a success to celebrate. "
                "The partnership's team has been told.",
            )
        else:
            messages.success(self.request, "Achievement corrected.")
        return redirect(self.milestone.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(milestone=self.milestone, **kwargs)


class MilestoneDeleteView(MilestoneMixin, View):
    http_method_names = ["post", "options"]  # no page of its own: the mixin's get() is not one

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if refused := self.refuse_if_ended():
            return refused
        title = self.milestone.title
        try:
            services.milestone_delete(milestone=self.milestone, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.milestone.get_absolute_url())
        messages.success(request, f"Milestone “{title}” removed.")
        return redirect(tab_url(self.partnership.pk, "milestones"))


# Opportunities ------------------------------------------------------------------------------------


class OpportunityMixin(RelationshipFormMixin):
    form_class = OpportunityForm
    anchor = "opportunities"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}


class OpportunityCreateView(OpportunityMixin, FormView):
    heading = "Add an opportunity"
    submit = "Add the opportunity"

    def get_initial(self):
        return {"owner": self.request.user.pk, "horizon": Horizon.NEXT_YEAR}

    def form_valid(self, form):
        try:
            opportunity = services.opportunity_create(
                partnership=self.partnership, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Opportunity “{opportunity.title}” added.")
        return redirect(opportunity.get_absolute_url())


class OpportunityUpdateView(OpportunityMixin, FormView):
    heading = "Edit the opportunity"
    submit = "Save the opportunity"

    @cached_property
    def opportunity(self) -> Opportunity:
        return get_object_or_404(
            Opportunity.objects.select_related("partnership", "source_thread"),
            pk=self.kwargs["opportunity_pk"],
            partnership=self.partnership,
        )

    def cancel_url(self) -> str:
        return self.opportunity.get_absolute_url()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.opportunity}

    def form_valid(self, form):
        try:
            services.opportunity_update(
                opportunity=self.opportunity, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Opportunity saved.")
        return redirect(self.opportunity.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(opportunity=self.opportunity, **kwargs)


class OpportunityFromIdeaView(PartnershipMixin, View):
    """One click on an idea of the discussion: it becomes an opportunity linked to its thread."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        thread = get_object_or_404(Thread, pk=kwargs["thread_pk"], partnership=self.partnership)
        try:
            opportunity, created = services.opportunity_from_idea(thread=thread, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(tab_url(self.partnership.pk, "opportunities"))
        if created:
            messages.success(
                request,
                f"The idea “{thread.title}” is now an opportunity. Give it a value and a horizon.",
            )
        else:
            messages.info(request, "This idea is already an opportunity: here it is.")
        return redirect(
            reverse("planning:opportunity_edit", args=[self.partnership.pk, opportunity.pk])
        )


# Renewal ------------------------------------------------------------------------------------------


class RenewalDecisionView(RelationshipFormMixin, FormView):
    template_name = "planning/renewal_decide.html"
    form_class = RenewalDecisionForm
    heading = "Decide on the renewal"
    anchor = "renewal"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("submit")
        return kwargs

    def post(self, request, *args, **kwargs):
        if not access.can_approve(request.user):
            messages.error(request, "Only an executive records the renewal decision.")
            return redirect(self.cancel_url())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        decision = form.cleaned_data["decision"]
        try:
            record = services.renewal_decide(
                partnership=self.partnership,
                by=self.request.user,
                decision=decision,
                rationale=form.cleaned_data["rationale"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if record.agreement is not None:
            messages.success(
                self.request,
                f"Decision recorded: {record.get_decision_display().lower()}. Agreement version "
                f"{record.agreement.version} is open as a draft: change what must change, then "
                "sign it to make the partnership active again.",
            )
            return redirect(record.agreement.get_absolute_url())
        messages.success(self.request, "Decision recorded: the partnership has ended.")
        return redirect(self.partnership.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**renewal_context(self.request, self.partnership), **kwargs)


# Across partnerships ------------------------------------------------------------------------------


class SuccessListView(RoleRequiredMixin, ListView):
    """Achieved milestones of every partnership the user may see: the dashboard's successes."""

    template_name = "planning/success_list.html"
    paginate_by = 25
    context_object_name = "successes"

    def get_queryset(self):
        visible = access.visible_partnerships(self.request.user).values("pk")
        self.days = _days(self.request.GET.get("days"))
        rows = selectors.successes(visible)
        if self.days:
            rows = rows.filter(selectors.recent_success_filter(timezone.localdate(), self.days))
        return rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            days=self.days,
            querystring=f"days={self.days}" if self.days else "",
            currency=CURRENCY_SYMBOL,
            **kwargs,
        )


def _days(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) <= 3650 else None


class OpportunityListView(RoleRequiredMixin, ListView):
    """Opportunities of every partnership the user may see, by horizon; open ones by default."""

    template_name = "planning/opportunity_list.html"
    paginate_by = 25
    context_object_name = "opportunities"

    def get_queryset(self):
        visible = access.visible_partnerships(self.request.user).values("pk")
        self.horizon = self.request.GET.get("horizon", "")
        self.status = self.request.GET.get("status", "")
        rows = Opportunity.objects.filter(partnership__in=visible).select_related(
            "partnership", "owner"
        )
        if self.status in OpportunityStatus.values:
            rows = rows.filter(status=self.status)
        elif self.status != "all":
            self.status = ""
            rows = rows.filter(status__in=OPEN_OPPORTUNITY)
        if self.horizon in Horizon.values:
            rows = rows.filter(horizon=self.horizon)
        else:
            self.horizon = ""
        soonest = Case(
            *(When(horizon=h, then=Value(i)) for i, h in enumerate(Horizon.values)),
            output_field=IntegerField(),
        )
        return rows.order_by(soonest, F("estimated_value").desc(nulls_last=True), "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        totals = self.object_list.order_by().aggregate(value=Sum("estimated_value"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            horizon=self.horizon,
            status=self.status,
            horizons=Horizon.choices,
            statuses=OpportunityStatus.choices,
            total_value=totals["value"] or 0,
            querystring=query.urlencode(),
            currency=CURRENCY_SYMBOL,
        )
        return ctx
