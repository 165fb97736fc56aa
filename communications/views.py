from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from partnerships.forms import add_service_error
from partnerships.views import PartnershipMixin, RoleRequiredMixin

from . import selectors, services
from .forms import (
    ActionCommentForm,
    ActionItemForm,
    CheckInForm,
    ConcernForm,
    EscalateForm,
    ReplyForm,
    ResolveForm,
    SendSummaryForm,
    ThreadForm,
    owner_value,
)
from .models import ActionItem, ActionStatus, CheckIn, Concern, DueDateProposal, Thread, Vote


def tab_url(partnership) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, "communication"])


def tab_context(request: HttpRequest, partnership) -> dict:
    """The workspace's Communication tab."""
    actions = selectors.actions_for_list(
        ActionItem.objects.filter(partnership=partnership).open()
    ).in_order()
    return {
        "compliance": services.compliance(partnership),
        "recent_check_ins": list(selectors.check_ins_for_list(partnership)[:5]),
        "open_actions": list(actions[:10]),
        "open_action_count": actions.count(),
        "open_concerns": selectors.open_concerns(partnership),
        "threads": list(selectors.threads_for_list(partnership)[:5]),
        "now": timezone.now(),
        "today": timezone.localdate(),
        **selectors.response_times(partnership),
    }


class HtmxRefreshMixin:
    """After a change made from a modal or an inline form, reload the page it came from."""

    def done(self, url: str) -> HttpResponse:
        if self.request.htmx:
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(url)


# Check-ins -------------------------------------------------------------------------------------


class CheckInListView(PartnershipMixin, ListView):
    template_name = "communications/check_in_list.html"
    paginate_by = 20
    context_object_name = "check_ins"

    def get_queryset(self):
        return selectors.check_ins_for_list(self.partnership)

    def get_context_data(self, **kwargs):
        return super().get_context_data(compliance=services.compliance(self.partnership), **kwargs)


class CheckInDetailView(PartnershipMixin, DetailView):
    template_name = "communications/check_in_detail.html"
    context_object_name = "check_in"
    pk_url_kwarg = "check_in_pk"

    def get_queryset(self):
        return (
            CheckIn.objects.filter(partnership=self.partnership)
            .select_related("logged_by", "due_date")
            .prefetch_related("attendees", "partner_attendees")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            actions=list(selectors.actions_for_list(self.object.action_items.all()).in_order()),
            concerns=list(self.object.concerns.select_related("owner")),
            today=timezone.localdate(),
            now=timezone.now(),
            **kwargs,
        )


class CheckInLogView(HtmxRefreshMixin, PartnershipMixin, FormView):
    """The quick log. In a modal (htmx) it answers with the form alone, errors included, and
    reloads the page once saved; opened directly it is an ordinary form page."""

    form_class = CheckInForm

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["communications/_quick_log_form.html"]
        return ["communications/check_in_form.html"]

    @cached_property
    def open_actions(self) -> list[ActionItem]:
        return selectors.open_actions_of_last_check_in(self.partnership)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "open_actions": self.open_actions,
        }

    def get(self, request, *args, **kwargs):
        if self.partnership.is_ended:
            messages.error(request, "This partnership has ended: nothing new can be logged on it.")
            return self.done(self.partnership.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        concern = None
        if data.get("concern_title", "").strip():
            concern = services.NewConcern(
                title=data["concern_title"],
                severity=data["concern_severity"],
                raised_by=data["concern_raised_by"],
                kind=data["concern_kind"],
            )
        try:
            check_in = services.check_in_log(
                partnership=self.partnership,
                by=self.request.user,
                held_on=data["held_on"],
                kind=data["kind"],
                summary=data["summary"],
                sentiment=data["sentiment"],
                topics=data["topics"],
                attendees=data["attendees"],
                partner_attendees=data["partner_attendees"],
                shared=data["shared"],
                close_actions=data.get("close_actions") or [],
                new_actions=[
                    services.NewAction(title=t, owner=u, owner_contact=c, due_on=d)
                    for _, t, u, c, d in form.new_actions
                ],
                concern=concern,
            )
        except ValidationError as exc:
            self._service_error(form, exc)
            return self.form_invalid(form)
        self.partnership.refresh_from_db(fields=["next_check_in_due"])
        due = self.partnership.next_check_in_due
        note = f" Next check-in due {due:%-d %b %Y}." if due else ""
        messages.success(
            self.request,
            f"Check-in of {check_in.held_on:%-d %b %Y} logged "
            f"({check_in.get_timeliness_display().lower()}).{note}",
        )
        return self.done(tab_url(self.partnership))

    def _service_error(self, form, exc: ValidationError) -> None:
        # A refused action item names "owner"; show it on the row it came from.
        if hasattr(exc, "error_dict") and "owner" in exc.error_dict and form.new_actions:
            for i, *_ in form.new_actions:
                form.add_error(f"action_{i}_owner", exc.error_dict["owner"])
                break
            return
        add_service_error(form, exc)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            open_actions=self.open_actions, today=timezone.localdate(), **kwargs
        )


class CheckInShareView(PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, check_in_pk: int) -> HttpResponse:
        check_in = get_object_or_404(CheckIn, pk=check_in_pk, partnership=self.partnership)
        shared = request.POST.get("shared") == "1"
        services.check_in_set_shared(check_in=check_in, by=request.user, shared=shared)
        messages.success(
            request,
            "Shared with the partner." if shared else "No longer shared with the partner.",
        )
        return redirect(check_in)


# Action items ----------------------------------------------------------------------------------


class ActionListView(PartnershipMixin, ListView):
    template_name = "communications/action_list.html"
    paginate_by = 25
    context_object_name = "actions"

    def get_queryset(self):
        self.show = self.request.GET.get("show", "open")
        rows = ActionItem.objects.filter(partnership=self.partnership)
        if self.show != "all":
            rows = rows.open()
        return selectors.actions_for_list(rows).in_order()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            show=self.show,
            querystring=f"show={self.show}",
            today=timezone.localdate(),
            **kwargs,
        )


class ActionFormMixin(PartnershipMixin):
    template_name = "communications/form_page.html"
    form_class = ActionItemForm

    def cancel_url(self) -> str:
        return reverse("communications:actions", args=[self.partnership.pk])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "cancel_url": self.cancel_url(),
            "submit": self.submit,
        }


class ActionCreateView(ActionFormMixin, FormView):
    submit = "Add the action item"

    def form_valid(self, form):
        try:
            services.action_create(
                partnership=self.partnership,
                by=self.request.user,
                title=form.cleaned_data["title"],
                owner=form.owner_user,
                owner_contact=form.owner_contact,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Action item added.")
        return redirect(self.cancel_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="New action item", here="New", **kwargs)


class ActionMixin(PartnershipMixin):
    @cached_property
    def action(self) -> ActionItem:
        return get_object_or_404(
            ActionItem.objects.select_related("owner", "owner_contact", "partnership"),
            pk=self.kwargs["action_pk"],
            partnership=self.partnership,
        )


class ActionUpdateView(ActionMixin, ActionFormMixin, FormView):
    """The action item: its fields, and, for one the partner owns, what they said and asked
    for in the portal (comments, a new due date to accept or decline)."""

    template_name = "communications/action_edit.html"
    submit = "Save"

    def get_initial(self):
        a = self.action
        return {"title": a.title, "owner": owner_value(a), "due_on": a.due_on}

    def form_valid(self, form):
        try:
            services.action_update(
                action=self.action,
                by=self.request.user,
                title=form.cleaned_data["title"],
                owner=form.owner_user,
                owner_contact=form.owner_contact,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Action item saved.")
        return redirect(self.cancel_url())

    def get_context_data(self, **kwargs):
        comment_form = kwargs.pop("comment_form", None) or ActionCommentForm(
            action=reverse(
                "communications:action_comment", args=[self.partnership.pk, self.action.pk]
            ),
            help_text=(
                f"{self.action.owner_contact.name} sees it in the partner portal."
                if self.action.party == "partner"
                else ""
            ),
        )
        return super().get_context_data(
            heading="Action item",
            here=self.action.title,
            action=self.action,
            comment_form=comment_form,
            today=timezone.localdate(),
            **selectors.action_history(self.action),
            **kwargs,
        )


class ActionCommentView(ActionUpdateView):
    http_method_names = ["post", "options"]

    def get_form_kwargs(self):
        # The action item's own form shows as it was: the post is the comment's.
        kwargs = super().get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        return kwargs

    def post(self, request: HttpRequest, partnership_pk: int, action_pk: int) -> HttpResponse:
        comment_form = ActionCommentForm(request.POST, action=request.path)
        if comment_form.is_valid():
            try:
                services.action_comment(
                    action=self.action, by=request.user, body=comment_form.cleaned_data["body"]
                )
            except ValidationError as exc:
                add_service_error(comment_form, exc)
            else:
                messages.success(request, "Comment added.")
                return redirect(self.action.get_absolute_url() + "#comments")
        return self.render_to_response(
            self.get_context_data(form=self.get_form(), comment_form=comment_form)
        )


class ProposalDecideView(ActionMixin, View):
    """Accept the partner's proposed due date (it becomes the due date) or decline it."""

    def post(
        self, request: HttpRequest, partnership_pk: int, action_pk: int, proposal_pk: int
    ) -> HttpResponse:
        proposal = get_object_or_404(DueDateProposal, pk=proposal_pk, action=self.action)
        decision = request.POST.get("decision")
        answer = (request.POST.get("answer") or "").strip()
        back = self.action.get_absolute_url()
        if decision not in ("accept", "decline"):
            messages.error(request, "Choose to accept or to decline the proposed date.")
            return redirect(back)
        if len(answer) > 500:
            messages.error(request, "Keep the answer to 500 characters.")
            return redirect(back)
        try:
            services.due_date_decide(
                proposal=proposal, by=request.user, accept=decision == "accept", answer=answer
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        if decision == "accept":
            messages.success(
                request,
                f"“{self.action.title}” is now due {proposal.proposed_on:%-d %b %Y}; "
                "the partner sees it in the portal.",
            )
        else:
            messages.success(request, "Declined: the partner sees your answer in the portal.")
        return redirect(back)


class ActionStatusView(HtmxRefreshMixin, PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, action_pk: int) -> HttpResponse:
        action = get_object_or_404(ActionItem, pk=action_pk, partnership=self.partnership)
        status = request.POST.get("status")
        try:
            if status == ActionStatus.OPEN:
                services.action_reopen(action=action, by=request.user)
                messages.success(request, f"“{action.title}” is open again.")
            else:
                services.action_close(action=action, by=request.user, status=status)
                messages.success(
                    request, f"“{action.title}” is {action.get_status_display().lower()}."
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        back = request.POST.get("next") or reverse(
            "communications:actions", args=[self.partnership.pk]
        )
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("communications:actions", args=[self.partnership.pk])
        return self.done(back)


class MyActionItemsView(RoleRequiredMixin, ListView):
    """Every open action item the user owns, across the partnerships they can see."""

    template_name = "communications/my_actions.html"
    paginate_by = 25
    context_object_name = "actions"

    def get_queryset(self):
        return selectors.my_open_actions(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


# Concerns --------------------------------------------------------------------------------------


class ConcernListView(PartnershipMixin, ListView):
    template_name = "communications/concern_list.html"
    paginate_by = 25
    context_object_name = "concerns"

    def get_queryset(self):
        return selectors.concerns_for_list(
            Concern.objects.filter(partnership=self.partnership, resolved_at__isnull=False)
        ).order_by("-resolved_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            open_concerns=selectors.open_concerns(self.partnership),
            now=timezone.now(),
            **selectors.response_times(self.partnership),
            **kwargs,
        )


class ConcernCreateView(PartnershipMixin, FormView):
    template_name = "communications/form_page.html"
    form_class = ConcernForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "cancel_url": reverse("communications:concerns", args=[self.partnership.pk]),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                partnership=self.partnership,
                by=self.request.user,
                title=data["title"],
                severity=data["severity"],
                raised_by=data["raised_by"],
                kind=data["kind"],
                description=data["description"],
                owner=data["owner"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Concern raised. First response due by "
            f"{timezone.localtime(concern.respond_by):%-d %b %Y, %H:%M}.",
        )
        return redirect(concern)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Raise a concern", here="New concern", **kwargs)


class ConcernMixin(PartnershipMixin):
    @cached_property
    def concern(self) -> Concern:
        return get_object_or_404(
            selectors.concern_with_history(self.partnership, self.kwargs["concern_pk"])
        )

    def cancel_url(self) -> str:
        return self.concern.get_absolute_url()


class ConcernDetailView(ConcernMixin, TemplateView):
    template_name = "communications/concern_detail.html"

    def get_context_data(self, **kwargs):
        ladder = services.ladder_of(self.partnership)
        level = self.concern.escalation_level
        return super().get_context_data(
            concern=self.concern,
            escalations=list(self.concern.escalations.all()),
            ladder=ladder,
            next_step=next((s for s in ladder if s.level == level + 1), None),
            now=timezone.now(),
            **kwargs,
        )


class ConcernAcknowledgeView(ConcernMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, concern_pk: int) -> HttpResponse:
        try:
            services.concern_acknowledge(concern=self.concern, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Acknowledged: the clock now runs to the resolution target.")
        return redirect(self.concern)


class ConcernResolveView(ConcernMixin, FormView):
    template_name = "communications/form_page.html"
    form_class = ResolveForm

    def get(self, request, *args, **kwargs):
        if not self.concern.is_open:
            messages.info(request, "This concern is already resolved.")
            return redirect(self.concern)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": self.cancel_url()}

    def form_valid(self, form):
        try:
            services.concern_resolve(
                concern=self.concern,
                by=self.request.user,
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Concern resolved.")
        return redirect(self.concern)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Resolve “{self.concern}”", here="Resolve", concern=self.concern, **kwargs
        )


class ConcernEscalateView(ConcernMixin, FormView):
    template_name = "communications/form_page.html"
    form_class = EscalateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": self.cancel_url()}

    def form_valid(self, form):
        try:
            escalation = services.concern_escalate(
                concern=self.concern, by=self.request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Escalated to level {escalation.level}: {escalation.who}.")
        return redirect(self.concern)

    def get_context_data(self, **kwargs):
        ladder = services.ladder_of(self.partnership)
        level = self.concern.escalation_level
        return super().get_context_data(
            heading=f"Escalate “{self.concern}”",
            here="Escalate",
            concern=self.concern,
            next_step=next((s for s in ladder if s.level == level + 1), None),
            **kwargs,
        )


# Discussion ------------------------------------------------------------------------------------


def mention_messages(request: HttpRequest, posted: services.Posted) -> None:
    if posted.notified:
        names = ", ".join(str(u) for u in posted.notified)
        messages.success(request, f"Notified: {names}.")
    for user in posted.not_notified:
        messages.warning(
            request,
            f"{user} was not notified: they cannot see this partnership. "
            "Ask an executive to add them as a manager first.",
        )
    for name in posted.unknown:
        messages.warning(
            request,
            f"Nobody was notified for “@{name}”: no single active user goes by that name or "
            "e-mail. Mention them with @[Full Name] or their e-mail address.",
        )


class ThreadListView(PartnershipMixin, ListView):
    template_name = "communications/thread_list.html"
    paginate_by = 20
    context_object_name = "threads"

    def get_queryset(self):
        return selectors.threads_for_list(self.partnership)


class ThreadCreateView(PartnershipMixin, FormView):
    template_name = "communications/form_page.html"
    form_class = ThreadForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "cancel_url": reverse("communications:threads", args=[self.partnership.pk]),
        }

    def get_initial(self):
        return {"is_idea": self.request.GET.get("idea") == "1"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            posted = services.thread_start(
                partnership=self.partnership,
                by=self.request.user,
                title=data["title"],
                body=data["body"],
                is_idea=data["is_idea"],
                shared=data["shared"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Posted.")
        mention_messages(self.request, posted)
        return redirect(posted.post)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Start a discussion", here="New discussion", **kwargs
        )


class ThreadDetailView(PartnershipMixin, TemplateView):
    template_name = "communications/thread_detail.html"

    @cached_property
    def thread(self) -> Thread:
        return get_object_or_404(
            selectors.threads_for_list(self.partnership), pk=self.kwargs["thread_pk"]
        )

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        replies = self.thread.replies.select_related(
            "author__partner_contact__organization"
        ).order_by("created_at", "pk")
        paginator = Paginator(replies, 50)
        number = self.request.GET.get("page")
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        return super().get_context_data(
            thread=self.thread,
            replies=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            voted=Vote.objects.filter(thread=self.thread, user=self.request.user).exists(),
            form=kwargs.pop("form", None)
            or ReplyForm(
                action=reverse("communications:reply", args=[self.partnership.pk, self.thread.pk])
            ),
            **kwargs,
        )


class ReplyView(ThreadDetailView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, partnership_pk: int, thread_pk: int) -> HttpResponse:
        form = ReplyForm(request.POST, action=request.path)
        if form.is_valid():
            try:
                posted = services.thread_reply(
                    thread=self.thread, by=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Reply posted.")
                mention_messages(request, posted)
                return redirect(
                    f"{self.thread.get_absolute_url()}?page=last#reply-{posted.post.pk}"
                )
        return self.render_to_response(self.get_context_data(form=form))


class ThreadShareView(PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, thread_pk: int) -> HttpResponse:
        thread = get_object_or_404(Thread, pk=thread_pk, partnership=self.partnership)
        choice = request.POST.get("shared")
        if choice not in ("0", "1"):
            messages.error(request, "Choose whether to share the discussion with the partner.")
            return redirect(thread)
        try:
            services.thread_set_shared(thread=thread, by=request.user, shared=choice == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(thread)
        messages.success(
            request,
            "Shared: the partner's people can read it and reply in their portal."
            if thread.shared
            else "No longer shared with the partner.",
        )
        return redirect(thread)


class VoteView(PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, thread_pk: int) -> HttpResponse:
        thread = get_object_or_404(Thread, pk=thread_pk, partnership=self.partnership)
        try:
            services.idea_vote(
                thread=thread, by=request.user, support=request.POST.get("support") != "0"
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(thread)


# The shared summary ----------------------------------------------------------------------------


class SharedSummaryView(PartnershipMixin, TemplateView):
    template_name = "communications/shared_summary.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **services.shared_summary(self.partnership),
            form=kwargs.pop("form", None) or SendSummaryForm(partnership=self.partnership),
            today=timezone.localdate(),
            **kwargs,
        )


class SharedSummarySendView(SharedSummaryView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, partnership_pk: int) -> HttpResponse:
        form = SendSummaryForm(request.POST, partnership=self.partnership)
        if form.is_valid():
            try:
                sent = services.shared_summary_send(
                    partnership=self.partnership,
                    by=request.user,
                    contacts=list(form.cleaned_data["contacts"]),
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    format_html(
                        "Summary e-mailed to {} partner contact{}.", sent, "" if sent == 1 else "s"
                    ),
                )
                return redirect("communications:summary", partnership_pk=self.partnership.pk)
        return self.render_to_response(self.get_context_data(form=form))
