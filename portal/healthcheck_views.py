"""The joint health check in the portal: a partner contact answers (if asked) and sees the same
results as our side once it closes. Only their own answers can change through here."""

from functools import cached_property

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from healthcheck import selectors, services
from healthcheck.models import HealthCheck, Side
from healthcheck.views import AnswerMixin, ParticipantMixin, results_context

from .views import PortalMixin


class PortalCheckMixin(ParticipantMixin, PortalMixin):
    side = Side.PARTNER

    @cached_property
    def check_row(self) -> HealthCheck:
        check = get_object_or_404(
            selectors.check_queryset(), pk=self.kwargs["check_pk"], partnership=self.partnership
        )
        check.partnership = self.partnership
        return check

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


class HealthCheckAnswerView(PortalCheckMixin, AnswerMixin, TemplateView):
    """Their answers, given or changed until the close; 404 for anyone not asked."""

    template_name = "portal/healthcheck_answer.html"

    def answered_url(self) -> str:
        return reverse("portal:partnership", args=[self.partnership.pk]) + "#health-check"

    def closed_url(self) -> str:
        return self.urls()["results_url"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.urls(), **kwargs)
