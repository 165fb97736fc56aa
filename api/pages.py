"""The web side of the API: a user's tokens on their profile, and the interactive reference."""

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import FormView, TemplateView

from partnerships.forms import add_service_error

from . import tokens
from .forms import TokenForm
from .models import ApiToken


class OursOnly(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        user = self.request.user
        return not user.is_partner_contact and (user.is_executive or user.is_partner_manager)


class TokenListView(OursOnly, TemplateView):
    template_name = "api/tokens.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", TokenForm())
        return super().get_context_data(
            tokens=list(ApiToken.objects.filter(user=self.request.user)), **kwargs
        )


class TokenCreateView(TokenListView, FormView):
    http_method_names = ["post"]
    form_class = TokenForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            new = tokens.token_create(
                user=self.request.user,
                name=data["name"],
                read_only=data["access"] == "read",
                expires_on=data["expires_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        # Shown in this response only: never stored, never put in the session or a redirect.
        response = self.render_to_response(
            self.get_context_data(form=TokenForm(), new_token=new.token, secret=new.secret)
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(OursOnly, View):
    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        tokens.token_revoke(token=token, by=request.user)
        messages.success(request, f"“{token.name}” is revoked: it no longer works.")
        return redirect("api:tokens")


# Swagger UI draws with inline styles; this page only, and it shows no data of its own.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class ReferenceView(OursOnly, TemplateView):
    template_name = "api/reference.html"
