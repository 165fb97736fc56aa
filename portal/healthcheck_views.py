"""The joint health check in the portal: a partner contact answers (if asked) and sees the same
results as our side once it closes. Only their own answers can change through here."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from healthcheck import selectors, services
from healthcheck.forms import AnswerForm
from healthcheck.models import HealthCheck, Participant, Side
from healthcheck.views import results_context
from partnerships.forms import add_service_error

from .views import PortalMixin


class PortalCheckMixin(PortalMixin):
    @cached_property
    def check_row(self) -> HealthCheck:
        check = get_object_or_404(
            selectors.check_queryset(), pk=self.kwargs["check_pk"], partnership=self.partnership
        )
        check.partnership = self.partnership
        return check

    @cached_property
    def participant(self) -> Participant | None:
        return Participant.objects.filter(
            health_check=self.check_row, user=self.request.user, side=Side.PARTNER
        ).first()

    def urls(self) -> dict:
        args = [self.partnership.pk, self.check_row.pk]
        return {
            "results_url": reverse("portal:healthcheck", args=args),
            "answer_url": reverse("portal:healthcheck_answer", args=args),
        }


class HealthCheckView(PortalCheckMixin, TemplateView):
    """A check as the partner sees it: while open, how many have answered; once closed, the
    results (the same aggregate as ours)."""

    template_name = "portal/healthcheck.html"

    def get_context_data(self, **kwargs):
        check = services.close_if_due(self.check_row)
        ctx = super().get_context_data(
            partnership=self.partnership,
            mine=self.participant,
            **results_context(check, portal=True),
            **self.urls(),
            **kwargs,
        )
        if check.is_open:
            ctx["progress"] = selectors.progress(check)
        return ctx


class HealthCheckAnswerView(PortalCheckMixin, TemplateView):
    """Their answers, given or changed until the close; 404 for anyone not asked."""

    template_name = "portal/healthcheck_answer.html"

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
        return super().get_context_data(
            partnership=self.partnership,
            check=check,
            participant=participant,
            closed=closed,
            form=None if closed else (kwargs.pop("form", None) or self.form()),
            **self.urls(),
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
            return redirect(self.urls()["results_url"])
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            "Thank you: your answers are in. You can change them until the check closes; "
            "nobody sees who said what.",
        )
        return redirect(reverse("portal:partnership", args=[self.partnership.pk]) + "#health-check")
