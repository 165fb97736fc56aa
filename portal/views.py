from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import User
from accounts.throttle import client_ip
from communications import services as communications
from communications.forms import ActionCommentForm
from communications.models import ActionItem, ActionStatus, Party
from communications.selectors import action_history
from partnerships.access import get_portal_partnership_or_404, portal_partnerships
from partnerships.forms import add_service_error
from partnerships.models import PortalAccess
from partnerships.views import PartnershipMixin

from . import selectors, services
from .backends import PortalLinkBackend
from .forms import (
    DueDateProposalForm,
    InviteForm,
    LinkRequestForm,
    PortalConcernForm,
    PortalReplyForm,
)


def tab_context(request: HttpRequest, partnership) -> dict:
    """The workspace's "Partner's people" tab."""
    return {
        "accesses": list(
            PortalAccess.objects.filter(partnership=partnership)
            .select_related("contact", "invited_by")
            .order_by("revoked_at", "contact__name")
        ),
        "can_invite": partnership.stage in services.INVITABLE_STAGES,
        "link_days": services.link_days(),
    }


def _tab_url(partnership) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, "people"])


# Our side: invitations ---------------------------------------------------------------------------


class InviteView(PartnershipMixin, FormView):
    template_name = "portal/invite.html"
    form_class = InviteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_context_data(self, **kwargs):
        # Said before anything is typed, not only once the form is sent.
        closed = self.partnership.stage not in services.INVITABLE_STAGES
        return super().get_context_data(
            cancel_url=_tab_url(self.partnership), closed=closed, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            access = services.invite(
                partnership=self.partnership,
                by=self.request.user,
                contact=data["contact"],
                name=data["name"].strip(),
                email=data["email"],
                title=data["title"].strip(),
            )
        except services.PortalRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{access.contact.name} is invited: a sign-in link is on its way to "
            f"{access.contact.email}, valid for {services.link_days()} days.",
        )
        return redirect(_tab_url(self.partnership))


class AccessActionView(PartnershipMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, access_pk: int) -> HttpResponse:
        access = get_object_or_404(
            PortalAccess.objects.select_related("contact"),
            pk=access_pk,
            partnership=self.partnership,
        )
        try:
            self.act(access)
        except services.PortalRefused as exc:
            messages.warning(request, str(exc))
        return redirect(_tab_url(self.partnership))


class ResendView(AccessActionView):
    def act(self, access: PortalAccess) -> None:
        services.resend(access=access, by=self.request.user)
        messages.success(self.request, f"A fresh link is on its way to {access.contact.email}.")


class RevokeView(AccessActionView):
    def act(self, access: PortalAccess) -> None:
        services.revoke(access=access, by=self.request.user)
        messages.success(
            self.request,
            f"{access.contact.name} can no longer open this partnership in the portal.",
        )


# The partner's side: signing in ------------------------------------------------------------------


class LinkRequestView(FormView):
    """Ask for a fresh link by e-mail. The same answer whether or not the address is known."""

    template_name = "portal/sign_in.html"
    form_class = LinkRequestForm

    def form_valid(self, form):
        try:
            services.request_link(
                email=form.cleaned_data["email"], ip_address=client_ip(self.request)
            )
        except services.PortalRefused as exc:
            form.add_error(None, str(exc))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return render(
            self.request,
            "portal/link_sent.html",
            {"email": form.cleaned_data["email"], "days": services.link_days()},
        )


def _next_page(request: HttpRequest) -> str:
    """Where a link leads once it has signed in: a portal page it names (a health check's
    answer page, from its reminder), or the portal's home."""
    target = request.GET.get("next", "")
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


class LinkView(View):
    """The link in the e-mail. Opening it shows a button; only pressing it signs in, so a mail
    scanner that follows links does not use up the one sign-in the link is good for."""

    def refused(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "portal/link_invalid.html",
            {"form": LinkRequestForm(), "days": services.link_days()},
            status=400,
        )

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        # Checked without using it up: a dead link says so before anyone presses anything.
        if PortalLinkBackend().authenticate(request, sesame=token[:512]) is None:
            return self.refused(request)
        return render(request, "portal/link_confirm.html")

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        # Through authenticate(), so bad links are throttled like wrong passwords.
        user = authenticate(request, sesame=token[:512])
        if user is None or not portal_partnerships(user).exists():
            return self.refused(request)
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if locked.last_login != user.last_login:
                # The same link pressed twice at once: the other press signed in first.
                return self.refused(request)
            login(request, locked, backend="portal.backends.PortalLinkBackend")
            request.session.set_expiry(settings.ACCORD_PORTAL_SESSION_SECONDS)
            services.joined(locked)
        return redirect(_next_page(request))


# The partner's side: the portal ------------------------------------------------------------------


class PortalMixin(LoginRequiredMixin):
    login_url = reverse_lazy("portal:sign_in")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_partner_contact:
            # Our own people have the workspace; the portal has nothing of theirs.
            raise Http404("The portal is for the partner's people.")
        if request.user.is_authenticated and "partnership_pk" in kwargs:
            self.partnership = get_portal_partnership_or_404(
                request.user, kwargs["partnership_pk"], selectors.portal_partnership_queryset()
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def contact(self):
        return self.request.user.partner_contact


class HomeView(PortalMixin, TemplateView):
    template_name = "portal/home.html"

    def get(self, request, *args, **kwargs):
        partnerships = list(
            portal_partnerships(request.user, selectors.portal_partnership_queryset())
        )
        if len(partnerships) == 1:
            return redirect("portal:partnership", partnerships[0].pk)
        return self.render_to_response(self.get_context_data(partnerships=partnerships))


class PartnershipView(PortalMixin, TemplateView):
    template_name = "portal/partnership.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.partnership,
            today=timezone.localdate(),
            others=portal_partnerships(self.request.user).exclude(pk=self.partnership.pk).exists(),
            **selectors.portal_page(self.partnership, self.contact),
            **kwargs,
        )


class ActionDoneView(PortalMixin, View):
    def post(self, request: HttpRequest, partnership_pk: int, action_pk: int) -> HttpResponse:
        # Only the action items they own: anything else is not theirs to close.
        action = get_object_or_404(
            ActionItem,
            pk=action_pk,
            partnership=self.partnership,
            party=Party.PARTNER,
            owner_contact=self.contact,
        )
        try:
            if action.status != ActionStatus.OPEN:
                raise ValidationError(f"“{action.title}” is already closed.")
            communications.action_close(action=action, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.warning(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            services.tell_our_side(
                partnership=self.partnership,
                key=f"action:{action.pk}:done",
                title=f"{communications.who(request.user)} marked done: {action.title}"[:300],
                url=action.get_absolute_url(),
                by=request.user,
                activity="action_done",
                subject={"type": "action_item", "id": action.pk, "title": action.title},
            )
            messages.success(request, f"“{action.title}” is done. Thank you.")
        return redirect(reverse("portal:partnership", args=[self.partnership.pk]) + "#actions")


class ConcernCreateView(PortalMixin, FormView):
    template_name = "portal/form_page.html"
    form_class = PortalConcernForm

    def back(self) -> str:
        return reverse("portal:partnership", args=[self.partnership.pk]) + "#concerns"

    def get(self, request, *args, **kwargs):
        if self.partnership.is_ended:
            messages.warning(request, "The partnership has ended.")
            return redirect(self.back())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cancel_url": self.back()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.partnership, heading="Raise a concern", **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            concern = communications.concern_raise(
                partnership=self.partnership,
                by=self.request.user,
                title=data["title"],
                kind=data["kind"],
                severity=data["severity"],
                description=data["description"],
                raised_by=Party.PARTNER,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        services.tell_our_side(
            partnership=self.partnership,
            key=f"concern:{concern.pk}:raised",
            title=f"{communications.who(self.request.user)} raised a concern: {concern.title}"[
                :300
            ],
            url=concern.get_absolute_url(),
            by=self.request.user,
            activity="concern_raised",
            subject={"type": "concern", "id": concern.pk, "title": concern.title},
        )
        messages.success(
            self.request,
            f"Your concern is with us. We will answer by "
            f"{timezone.localtime(concern.respond_by):%-d %b %Y, %H:%M}.",
        )
        return redirect(self.back())


# The partner's side: their action items ----------------------------------------------------------


class ActionView(PortalMixin, TemplateView):
    """One of their action items: comments both ways, and a new due date to propose."""

    template_name = "portal/action.html"

    @property
    def action(self) -> ActionItem:
        if not hasattr(self, "_action"):
            # Only the action items they own: any other is not theirs, and answers 404.
            self._action = get_object_or_404(
                selectors.their_actions(self.partnership, self.contact).select_related(
                    "created_by"
                ),
                pk=self.kwargs["action_pk"],
            )
        return self._action

    def url(self, name: str) -> str:
        return reverse(f"portal:{name}", args=[self.partnership.pk, self.action.pk])

    def get_context_data(self, **kwargs):
        history = action_history(self.action)
        return super().get_context_data(
            partnership=self.partnership,
            action=self.action,
            today=timezone.localdate(),
            pending=next((p for p in history["proposals"] if p.is_pending), None),
            comment_form=kwargs.pop("comment_form", None)
            or ActionCommentForm(
                action=self.url("action_comment"),
                submit="Send the comment",
                help_text="We are told at once; comments stay with the action item.",
            ),
            propose_form=kwargs.pop("propose_form", None)
            or DueDateProposalForm(action=self.url("action_due_date")),
            **history,
            **kwargs,
        )

    def tell(self, key: str, title: str, activity: str, **details) -> None:
        services.tell_our_side(
            partnership=self.partnership,
            key=f"action:{self.action.pk}:{key}",
            title=title[:300],
            url=self.action.get_absolute_url(),
            also=[self.action.created_by],
            by=self.request.user,
            activity=activity,
            subject={
                "type": "action_item",
                "id": self.action.pk,
                "title": self.action.title,
                **details,
            },
        )

    def refused(self, form, exc: ValidationError | PermissionDenied, **forms) -> HttpResponse:
        if isinstance(exc, PermissionDenied):
            raise Http404("Not your action item.")
        add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(**forms))


class ActionCommentView(ActionView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, partnership_pk: int, action_pk: int) -> HttpResponse:
        form = ActionCommentForm(request.POST, action=request.path, submit="Send the comment")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(comment_form=form))
        try:
            comment = communications.action_comment(
                action=self.action, by=request.user, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as exc:
            return self.refused(form, exc, comment_form=form)
        self.tell(
            f"comment:{comment.pk}",
            f"{communications.who(request.user)} commented on “{self.action.title}”",
            "action_commented",
        )
        messages.success(request, "Your comment is with us.")
        return redirect(self.url("action") + "#comments")


class ActionDueDateView(ActionView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, partnership_pk: int, action_pk: int) -> HttpResponse:
        form = DueDateProposalForm(request.POST, action=request.path)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(propose_form=form))
        try:
            proposal = communications.action_propose_due_date(
                action=self.action,
                by=request.user,
                proposed_on=form.cleaned_data["proposed_on"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            return self.refused(form, exc, propose_form=form)
        self.tell(
            f"proposal:{proposal.pk}",
            f"{communications.who(request.user)} proposes {proposal.proposed_on:%-d %b %Y} "
            f"for “{self.action.title}”",
            "due_date_proposed",
            proposed_on=proposal.proposed_on,
        )
        messages.success(request, "Your proposal is with us: we answer here.")
        return redirect(self.url("action"))


# The partner's side: shared discussions ----------------------------------------------------------


class ThreadListView(PortalMixin, ListView):
    template_name = "portal/thread_list.html"
    paginate_by = 20
    context_object_name = "threads"

    def get_queryset(self):
        return selectors.shared_threads(self.partnership)

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.partnership, **kwargs)


class ThreadView(PortalMixin, TemplateView):
    """A discussion we share: read it, reply, mention our people on the partnership."""

    template_name = "portal/thread.html"
    replies_per_page = 50

    @property
    def thread(self):
        if not hasattr(self, "_thread"):
            # Only shared ones: an unshared discussion is not there for them, and answers 404.
            self._thread = get_object_or_404(
                selectors.shared_threads(self.partnership), pk=self.kwargs["thread_pk"]
            )
        return self._thread

    def get_context_data(self, **kwargs):
        replies = self.thread.replies.select_related(
            "author__partner_contact__organization"
        ).order_by("created_at", "pk")
        paginator = Paginator(replies, self.replies_per_page)
        number = self.request.GET.get("page")
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        mentionable = list(communications.mentionable(self.partnership))
        return super().get_context_data(
            partnership=self.partnership,
            thread=self.thread,
            replies=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            form=kwargs.pop("form", None)
            or PortalReplyForm(action=self.request.path, mentionable=mentionable),
            **kwargs,
        )

    def post(self, request: HttpRequest, partnership_pk: int, thread_pk: int) -> HttpResponse:
        mentionable = list(communications.mentionable(self.partnership))
        form = PortalReplyForm(request.POST, action=request.path, mentionable=mentionable)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            posted = communications.thread_reply(
                thread=self.thread, by=request.user, body=form.cleaned_data["body"]
            )
        except PermissionDenied:
            raise Http404("This discussion is not shared with you.") from None
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        services.tell_our_side(
            partnership=self.partnership,
            key=f"thread:{self.thread.pk}:reply:{posted.post.pk}:portal",
            title=f"{communications.who(request.user)} replied in “{self.thread.title}”"[:300],
            url=f"{self.thread.get_absolute_url()}?page=last#reply-{posted.post.pk}",
            also=[self.thread.author],
            told=posted.notified,
            by=request.user,
            activity="discussion_replied",
            subject={"type": "discussion", "id": self.thread.pk, "title": self.thread.title},
        )
        messages.success(request, "Your reply is posted.")
        if posted.notified:
            names = ", ".join(str(u) for u in posted.notified)
            messages.success(request, f"We told {names}.")
        for name in posted.unknown:
            messages.warning(
                request,
                f"Nobody was told for “@{name}”: mention one of our team on this partnership "
                "as shown under the reply box.",
            )
        return redirect(f"{request.path}?page=last#reply-{posted.post.pk}")
