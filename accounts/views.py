import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.generic import UpdateView, View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import signals, sso
from .forms import AccordPasswordChangeForm, ProfileForm, SignInForm
from .models import User

log = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_name": sso.enabled() and sso.name()}


class SignOutView(auth_views.LogoutView):
    """Ends the Accord session; after an SSO sign-in, also offers the provider's sign-out
    (RP-initiated logout) when it has one, so the next person at this browser starts clean."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and sso.enabled() and settings.ACCORD_OIDC_PROVIDER_LOGOUT:
            try:
                end = sso.discovery().get("end_session_endpoint")
            except requests.RequestException:
                end = None
            if end:
                back = request.build_absolute_uri(reverse("accounts:login"))
                query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
                return HttpResponseRedirect(f"{end}?{query}")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = AccordPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)


class ProfileView(LoginRequiredMixin, UpdateView):
    model = User
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None) -> User:
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, "Your profile is saved.")
        return super().form_valid(form)


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and PKCE kept in the session."""

    get_settings = staticmethod(sso.oidc_setting)

    def __init__(self, **kwargs) -> None:
        View.__init__(self, **kwargs)  # the endpoints are asked for in get(), when enabled

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ImproperlyConfigured, KeyError, ValueError):
            log.exception("The identity provider could not be reached")
            return sso_failed(request, "Your identity provider cannot be reached just now.", 502)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


def sso_failed(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    signals.sso_refused.send(sender=SsoCallbackView, request=request, reason=reason)
    return render(request, "accounts/sso_failed.html", {"reason": reason}, status=status)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back. Every refusal is a page that says why (and
    is audited); none creates a user, since the user is made only after every check."""

    get_settings = staticmethod(sso.oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            raise Http404
        if request.GET.get("error"):
            reason = request.GET.get("error_description") or request.GET["error"]
            response = super().get(request)  # drops the state, signs out as the library does
            return sso_failed(request, f"Your identity provider refused: {reason[:150]}")
        if not isinstance(request.session.get("oidc_states"), dict) or request.GET.get(
            "state"
        ) not in request.session.get("oidc_states", {}):
            return sso_failed(
                request,
                "This sign-in was not started from this browser, or was already used. "
                "Start again from the sign-in page.",
            )
        try:
            response = super().get(request)
        except sso.SsoRefused as refused:
            return sso_failed(request, str(refused))
        except (requests.RequestException, SuspiciousOperation, ImproperlyConfigured) as error:
            log.warning("SSO callback refused: %s", error)
            return sso_failed(request, "Your identity provider's answer could not be used.")
        return response

    def login_failure(self) -> HttpResponse:
        return sso_failed(self.request, "Your identity provider did not sign you in.")

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session["sso_amr"] = getattr(self.user, "sso_amr", [])
        return response
