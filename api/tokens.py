"""Personal API tokens: making and revoking them, and the request side (who a token is, whether
it may write, how fast it may go).

A token reads ``acc_<8 public characters>_<43 secret ones>``; the public part is what the
profile and admin show, so a token found in a log can be told apart without its secret.
"""

import contextlib
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from accounts.throttle import client_ip
from audit import services as audit

from .models import ApiToken

PREFIX = "acc_"
SCHEME = "Bearer"
# How stale "last used" may be: writing it on every request would cost a write per read.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
MAX_LIFETIME = datetime.timedelta(days=3 * 366)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def token_create(
    *, user, name: str, read_only: bool = True, expires_on: datetime.date | None = None
) -> NewToken:
    if user.is_partner_contact or not (user.is_executive or user.is_partner_manager):
        raise PermissionDenied("Only our executives and partner managers use the API.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the token, so you know it when you revoke it."})
    expires_at = None
    if expires_on is not None:
        today = timezone.localdate()
        if expires_on <= today:
            raise ValidationError({"expires_on": "Choose a date after today."})
        if expires_on > today + MAX_LIFETIME:
            raise ValidationError(
                {"expires_on": "Choose a date within three years, or leave it empty."}
            )
        # The end of that day where the user is: a token "until 31 March" works all of it.
        end = datetime.datetime.combine(expires_on, datetime.time.max)
        expires_at = timezone.make_aware(end)
    public = secrets.token_urlsafe(6)[:8]
    raw = f"{PREFIX}{public}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name,
        read_only=read_only,
        prefix=f"{PREFIX}{public}",
        digest=digest_of(raw),
        expires_at=expires_at,
    )
    token.full_clean(exclude=["prefix", "digest"])
    token.save()
    audit.record(
        audit.Action.TOKEN_CREATED,
        actor=user,
        target=token,
        label=str(token),
        extra={"read_only": read_only, "expires": expires_on.isoformat() if expires_on else ""},
    )
    return NewToken(token=token, secret=raw)


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    if token.user_id != by.pk and not by.is_administrator:
        raise PermissionDenied("You can revoke only your own tokens.")
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(audit.Action.TOKEN_REVOKED, actor=by, target=locked, label=str(locked))
    token.revoked_at, token.revoked_by = locked.revoked_at, locked.revoked_by
    return token


# The request side ----------------------------------------------------------------------------


def _bad_token_key(ip: str | None) -> str:
    return f"api:bad-token:{ip or 'unknown'}"


class _Refused(exceptions.AuthenticationFailed):
    pass


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer acc_…``. A wrong token counts against the address it came from,
    like a wrong password: after ``ACCORD_API_BAD_TOKEN_LIMIT`` in the window, 429."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != SCHEME.lower().encode():
            return None
        ip = client_ip(request)
        self._refuse_if_guessing(ip)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header is “Bearer” and the token, with one space between."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = (
            ApiToken.objects.select_related("user").filter(digest=digest_of(raw)).first()
            if raw.startswith(PREFIX)
            else None
        )
        if token is None:
            self._count_failure(ip)
            raise exceptions.AuthenticationFailed("This token is not valid.")
        now = timezone.now()
        if token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
            audit.record(
                audit.Action.TOKEN_REFUSED,
                request=request._request,
                actor=token.user,
                target=token,
                label=str(token),
                extra={"why": token.status},
            )
            raise exceptions.AuthenticationFailed(
                "This token was revoked." if token.revoked_at else "This token has expired."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token's user is no longer active.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{SCHEME} realm="api"'

    def _refuse_if_guessing(self, ip) -> None:
        # A cache that is down answers 0 (config.cache): it slows nothing and stops nothing.
        limit = settings.ACCORD_API_BAD_TOKEN_LIMIT
        if limit and cache.get(_bad_token_key(ip), 0) >= limit:
            raise exceptions.Throttled(
                wait=settings.ACCORD_API_BAD_TOKEN_WINDOW_MINUTES * 60,
                detail="Too many invalid tokens from your address. Try again later.",
            )

    def _count_failure(self, ip) -> None:
        key, window = _bad_token_key(ip), settings.ACCORD_API_BAD_TOKEN_WINDOW_MINUTES * 60
        # The count can expire between add and incr: that failure then starts no new window.
        if not cache.add(key, 1, window):
            with contextlib.suppress(ValueError):
                cache.incr(key)


class IsOurs(BasePermission):
    """Our executives and partner managers; a token can be no more than its user. Partner
    contacts have the portal."""

    message = "Only our executives and partner managers use the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and not user.is_partner_contact
            and (user.is_executive or user.is_partner_manager)
        )


class TokenScope(BasePermission):
    message = "This token is read-only."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return request.method in SAFE_METHODS or not (
            isinstance(token, ApiToken) and token.read_only
        )


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (``ACCORD_API_RATE``); counted in the cache, so it holds across web
    workers. A cache that is down lets requests through rather than failing them: it reads as
    empty (config.cache)."""

    scope = "token"

    def get_rate(self):
        return settings.ACCORD_API_RATE or None

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return f"api:throttle:token:{request.auth.pk}"
        return None
