from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect


class UserTimezoneMiddleware:
    """Show every date and time in the signed-in user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class SecondFactorMiddleware:
    """Until a session has given its second factor (or enrolled one, when the role requires
    it), every page leads to that step. What is owed was decided at sign-in (accounts.mfa)."""

    CODES = "/accounts/second-factor/recovery-codes"
    OPEN = ("/accounts/second-factor/", "/accounts/sign-out/", "/static/", "/healthz", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .mfa import ENROL, NEW_CODES, PENDING

        session = getattr(request, "session", None)
        if session is None:
            return self.get_response(request)
        # path_info: the path inside Accord, the same under a script prefix (SCRIPT_NAME).
        path = request.path_info
        if NEW_CODES in session and not path.startswith(self.CODES):
            del session[NEW_CODES]  # recovery codes are shown once
        pending = session.get(PENDING)
        if pending and not path.startswith(self.OPEN):
            target = "accounts:mfa_enrol" if pending == ENROL else "accounts:mfa_verify"
            url = reverse(target)
            if request.headers.get("HX-Request"):
                # A 302 would be followed by htmx and the step swapped into a fragment of the
                # page: the whole browser goes there instead.
                return HttpResponseClientRedirect(url)
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(url)
        return self.get_response(request)


class SignedInSessionMiddleware:
    """Keeps the list of one's sessions true (accounts.signed_in): last seen noted at most once
    a minute, a session whose row is gone signed out, the row following a cycled key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import SESSION_KEY

        from . import signed_in

        session = getattr(request, "session", None)
        if session is None:
            return self.get_response(request)
        if not signed_in.note(request):
            session.flush()  # ended elsewhere: this request, and every next one, is anonymous
            request.user = AnonymousUser()
        user_id = session.get(SESSION_KEY)
        token = signed_in.current.set(
            (int(user_id), session.session_key) if user_id is not None else None
        )
        try:
            response = self.get_response(request)
        finally:
            signed_in.current.reset(token)
        signed_in.follow_key(request)
        return response
