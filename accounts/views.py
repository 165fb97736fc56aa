import logging
from base64 import b32encode
from urllib.parse import urlencode

import requests
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import UpdateView, View
from django_otp.plugins.otp_static.models import StaticToken
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import mfa, signals, signed_in, sso
from .forms import AccordPasswordChangeForm, CodeForm, ProfileForm, SignInForm
from .models import SignedInSession, User
from .throttle import lockout_response

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

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not sso.signs_in_with_password(request.user):
            messages.warning(
                request, f"You sign in with {sso.name()}: your password is kept there, not here."
            )
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

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

    def get_context_data(self, **kwargs):
        here = self.request.session.session_key
        sessions = list(signed_in.for_user(self.request.user))
        for row in sessions:
            row.is_here = row.session_key == here
        sessions.sort(key=lambda row: not row.is_here)  # this device first, then by last seen
        return {
            **super().get_context_data(**kwargs),
            "sessions": sessions,
            "others": sum(not row.is_here for row in sessions),
        }

    def form_valid(self, form):
        messages.success(self.request, "Your profile is saved.")
        return super().form_valid(form)


class SessionEndView(LoginRequiredMixin, View):
    """Signs out one of one's own other sessions; anyone else's is not found."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        sessions = SignedInSession.objects.filter(pk=pk, user=request.user)
        if not sessions.exists():
            raise Http404
        if sessions.filter(session_key=request.session.session_key).exists():
            messages.warning(request, "That is this browser: use Sign out in the menu.")
            return redirect("accounts:profile")
        signed_in.end_sessions(sessions=sessions, by=request.user, reason=signed_in.SIGNED_OUT_HERE)
        messages.success(request, "That session is signed out.")
        return redirect(reverse("accounts:profile") + "#sessions")


class SessionsEndOthersView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        ended = signed_in.end_others(
            user=request.user,
            keep_key=request.session.session_key,
            by=request.user,
            reason=signed_in.SIGNED_OUT_ELSEWHERE,
        )
        if ended:
            messages.success(request, f"Signed out of {ended} other session{'s' * (ended != 1)}.")
        else:
            messages.warning(request, "You are signed in nowhere else.")
        return redirect(reverse("accounts:profile") + "#sessions")


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
            # Not the library's handling: it signs out whoever is signed in on any such GET (a
            # link could sign people out) and reports the failure a second time. The state is
            # dropped so it cannot be used again.
            states = request.session.get("oidc_states")
            if isinstance(states, dict) and states.pop(request.GET.get("state"), None):
                request.session.modified = True
            reason = request.GET.get("error_description") or request.GET["error"]
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


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class FactorGivenMixin(LoginRequiredMixin):
    """A session that still owes its factor may only give it: not enrol a new one in its place,
    nor turn it off, nor make new recovery codes."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.session.get(mfa.PENDING) == mfa.VERIFY:
            return redirect("accounts:mfa_verify")
        return super().dispatch(request, *args, **kwargs)


def _wrong_code(request: HttpRequest, credentials: dict) -> HttpResponse | None:
    """A wrong second-factor code, counted by axes as a wrong password is: the same limits, lock
    and unlock. The lockout page once this one locks the account."""
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        return lockout_response(request, credentials=credentials)
    return None


class MfaSettingsView(FactorGivenMixin, View):
    def _page(self, request: HttpRequest, status: int = 200) -> HttpResponse:
        user = request.user
        context = {
            "device": mfa.totp_device(user),
            "required": mfa.required_for(user),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
        }
        return render(request, "accounts/mfa.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        user, action = request.user, request.POST.get("action")
        credentials = {"username": user.email}
        if action not in ("turn_off", "new_codes"):
            messages.error(request, "Choose turn off or new recovery codes.")
            return redirect("accounts:mfa")
        if not mfa.has_factor(user):
            messages.error(request, "Your second factor is off already.")
            return redirect("accounts:mfa")
        if action == "turn_off" and mfa.required_for(user):
            messages.error(request, "Your role requires a second factor: it stays on.")
            return redirect("accounts:mfa")
        if AxesProxyHandler.is_locked(request, credentials):
            return lockout_response(request, credentials=credentials)
        if not mfa.current_code_is_right(user=user, code=request.POST.get("code", "")[:32]):
            if locked := _wrong_code(request, credentials):
                return locked
            messages.error(request, "That is not your app's current code: nothing was changed.")
            return self._page(request, status=400)
        if action == "turn_off":
            mfa.reset(user=user, by=user)
            messages.success(request, "Your second factor is turned off.")
            return redirect("accounts:mfa")
        request.session[mfa.NEW_CODES] = mfa.new_recovery_codes(user, by=user)
        request.session["accord_mfa_next"] = reverse("accounts:mfa")
        return redirect("accounts:mfa_recovery_codes")


class MfaEnrolView(FactorGivenMixin, View):
    def _form(self, request: HttpRequest) -> CodeForm:
        return CodeForm(
            request.POST or None,
            submit="Turn on",
            help_text="The six digits your app shows for Accord now.",
        )

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        owes = request.session.get(mfa.PENDING) == mfa.VERIFY
        if request.user.is_authenticated and not owes and mfa.has_factor(request.user):
            messages.info(request, "Your second factor is already on.")
            return redirect("accounts:mfa")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, mfa.unconfirmed_device(request.user), self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        device, form = mfa.unconfirmed_device(request.user), self._form(request)
        if form.is_valid():
            code = form.cleaned_data["code"]
            codes = mfa.confirm_totp(user=request.user, device=device, code=code)
            if codes is not None:
                request.session.pop(mfa.PENDING, None)
                request.session[mfa.NEW_CODES] = codes
                request.session["accord_mfa_next"] = _safe_next(request)
                return redirect("accounts:mfa_recovery_codes")
            form.add_error("code", "That code does not match. Check the app's clock and try again.")
        return self._page(request, device, form)

    def _page(self, request: HttpRequest, device, form: CodeForm) -> HttpResponse:
        secret = b32encode(device.bin_key).decode()
        context = {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_inline(
                scale=5, title="QR code for your authenticator app"
            ),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": mfa.required_for(request.user),
            "next": _safe_next(request),
        }
        return render(request, "accounts/mfa_enrol.html", context)


class MfaRecoveryCodesView(FactorGivenMixin, View):
    """Shown once: the middleware forgets them as soon as another page is opened."""

    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(mfa.NEW_CODES)
        if not codes:
            return redirect("accounts:mfa")
        next_url = request.session.get("accord_mfa_next") or reverse("accounts:mfa")
        return render(
            request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": next_url}
        )


class MfaRecoveryCodesDownloadView(FactorGivenMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(mfa.NEW_CODES)
        if not codes:
            raise Http404
        text = "Accord recovery codes for {}\nEach works once.\n\n{}\n".format(
            request.user.email, "\n".join(codes)
        )
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="accord-recovery-codes.txt"'
        response["Cache-Control"] = "no-store"
        return response


class MfaVerifyView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.session.get(mfa.PENDING) != mfa.VERIFY:
            return redirect(_safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def _form(self, request: HttpRequest) -> CodeForm:
        return CodeForm(
            request.POST or None,
            submit="Verify",
            help_text="The six digits of your authenticator app, or one of your recovery codes.",
        )

    def _page(self, request: HttpRequest, form: CodeForm) -> HttpResponse:
        context = {"form": form, "next": _safe_next(request)}
        return render(request, "accounts/mfa_verify.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        credentials = {"username": request.user.email}
        if AxesProxyHandler.is_locked(request, credentials):
            return lockout_response(request, credentials=credentials)
        return self._page(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        credentials = {"username": user.email}
        if AxesProxyHandler.is_locked(request, credentials):
            return lockout_response(request, credentials=credentials)
        form = self._form(request)
        if form.is_valid():
            if mfa.verify(user=user, code=form.cleaned_data["code"]):
                request.session.pop(mfa.PENDING, None)
                request.session.cycle_key()
                return redirect(_safe_next(request))
            if locked := _wrong_code(request, credentials):
                return locked
            form.add_error("code", "That code is not right, or was used already. Try the next one.")
        return self._page(request, form)
