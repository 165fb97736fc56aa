from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone


class PortalConfinementMiddleware:
    """A partner contact's session opens the portal and nothing else.

    Every internal page already shows them nothing (the access rule); this answers 404 before
    any of them runs, so no page, export, feed or admin screen has to remember them. It also
    notes when they were last seen, at most once every few minutes.
    """

    ALLOWED = ("/portal/", "/accounts/sign-out/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_partner_contact:
            path = request.path_info
            static = settings.STATIC_URL or "/static/"
            if path == "/":
                return redirect("portal:home")
            if not (path.startswith(self.ALLOWED) or path.startswith(static)):
                raise Http404("The portal is all a partner contact can open.")
            if request.method == "GET":
                # Seen is a page viewed; a refused post writes nothing at all.
                self._seen(request, user)
        return self.get_response(request)

    @staticmethod
    def _seen(request: HttpRequest, user) -> None:
        now = timezone.now()
        last = request.session.get("portal_seen")
        if last and now.timestamp() - last < 300:
            return
        from partnerships.models import PortalAccess

        PortalAccess.objects.active().filter(contact__user=user).update(last_seen_at=now)
        request.session["portal_seen"] = now.timestamp()
