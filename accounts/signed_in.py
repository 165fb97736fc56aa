"""The sessions a person can see and end (their profile's "Where you are signed in").

A row of ours (SignedInSession) is written when someone signs in and deleted when they sign
out. Ending a session deletes it from whatever session engine is configured, then the row: its
next request is anonymous. Nothing here reads the engine's table: any engine will do. Last
seen is noted at most once a minute per web process, never a write per request; that note also
finds a session whose row went some other way and signs it out.
"""

import datetime
import re
from contextvars import ContextVar
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import SignedInSession, User
from .signals import session_ended

ROW, ROW_KEY = "accord_signed_in", "accord_signed_in_key"
SEEN_EVERY = datetime.timedelta(minutes=1)
PASSWORD_CHANGED, ROLE_REMOVED, SIGNED_OUT_HERE, SIGNED_OUT_ELSEWHERE = (
    "password changed",
    "role removed",
    "signed out from another session",
    "signed out everywhere else",
)

# The session of the request being served, so a password changed by its own user (at any
# path: the profile, admin) ends their other sessions and keeps this one.
current: ContextVar[tuple[int, str] | None] = ContextVar("accord_current_session", default=None)
_seen: dict[int, datetime.datetime] = {}  # row pk -> last noted, in this process


def _store(key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def _client_ip(request: HttpRequest) -> str | None:
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _agent(request: HttpRequest) -> str:
    # What a browser sends must never stop a sign-in: PostgreSQL refuses NUL, and unpaired
    # surrogates cannot be encoded.
    return _UNSTORABLE.sub("\ufffd", request.META.get("HTTP_USER_AGENT", ""))[:300]


def record_sign_in(request: HttpRequest, user: User) -> SignedInSession:
    session = request.session
    if session.session_key is None:  # login() flushed another user's session: no key yet
        session.save()
    now = timezone.now()
    row, _ = SignedInSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "user_agent": _agent(request),
            "ip": _client_ip(request),
            "created": now,
            "last_seen": now,
        },
    )
    session[ROW], session[ROW_KEY] = row.pk, row.session_key
    _seen[row.pk] = now
    return row


def forget(request: HttpRequest) -> None:
    """Signing out: the session goes by the engine's own flush, the row here."""
    key, pk = request.session.session_key, request.session.get(ROW)
    SignedInSession.objects.filter(Q(pk=pk) | Q(session_key=key or "")).delete()


def note(request: HttpRequest) -> bool:
    """Before the view: False when this session's row is gone (it was ended), so the caller
    signs it out. Costs nothing but once a minute. Only a page viewed counts as seen: a refused
    post writes nothing (and an ended session's post fails anyway, its session being gone)."""
    if request.method not in ("GET", "HEAD"):
        return True
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return True
    pk, now = session.get(ROW), timezone.now()
    if pk is None:  # signed in before sessions were listed: listed from now on
        row = SignedInSession.objects.create(
            user_id=user_id,
            session_key=session.session_key,
            user_agent=_agent(request),
            ip=_client_ip(request),
        )
        session[ROW], session[ROW_KEY] = row.pk, row.session_key
        _seen[row.pk] = now
        return True
    last = _seen.get(pk)
    if last is not None and now - last < SEEN_EVERY:
        return True
    if len(_seen) > 10_000:
        _seen.clear()
    alive = SignedInSession.objects.filter(pk=pk, user_id=user_id).update(
        last_seen=now, ip=_client_ip(request)
    )
    _seen[pk] = now
    return bool(alive)


def follow_key(request: HttpRequest) -> None:
    """After the view: a key cycled by this request (a second factor given, a password changed)
    moves the row with it, so ending this session from elsewhere still finds it."""
    session = getattr(request, "session", None)
    if session is None or ROW not in session or not session.session_key:
        return
    if session.get(ROW_KEY) != session.session_key:
        SignedInSession.objects.filter(pk=session[ROW]).update(session_key=session.session_key)
        session[ROW_KEY] = session.session_key


def for_user(user: User):
    since = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return SignedInSession.objects.filter(user=user, last_seen__gte=since)


def end_sessions(*, sessions, by: User | None, reason: str) -> int:
    """Each session deleted from the engine, then its row; each ending audited."""
    ended = 0
    for row in sessions.select_related("user"):
        _store(row.session_key).delete()
        SignedInSession.objects.filter(pk=row.pk).delete()
        _seen.pop(row.pk, None)
        session_ended.send(sender=SignedInSession, session=row, by=by, reason=reason)
        ended += 1
    return ended


def end_others(*, user: User, keep_key: str | None, by: User | None, reason: str) -> int:
    others = SignedInSession.objects.filter(user=user)
    if keep_key:
        others = others.exclude(session_key=keep_key)
    return end_sessions(sessions=others, by=by, reason=reason)


class EndSessionsOnPasswordChange:
    """Not a rule a password must meet: Django calls ``password_changed`` on every configured
    validator once a new password is saved, by whatever path (the profile, admin's reset,
    manage.py changepassword). The user's other sessions end; the one that changed it stays."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None:
            return
        here = current.get()
        keep = here[1] if here and here[0] == user.pk else None
        end_others(user=user, keep_key=keep, by=user if keep else None, reason=PASSWORD_CHANGED)

    def get_help_text(self) -> str:
        return "Changing it signs you out everywhere else."
