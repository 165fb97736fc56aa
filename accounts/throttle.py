"""Throttling of everything that accepts a secret, on top of django-axes.

Axes keeps its own lock: failures for one account from one address (5 in 15 minutes by default).
Two wider limits are counted here from axes's failure log, each over a sliding window of its own:

* the account from any address (a guess spread over many addresses): a higher limit and a short
  window, so nobody can lock a colleague out for long;
* the address for many accounts (password spraying): failures for that many different accounts.

Every limit keys on the account the typed e-mail resolves to, exactly as sign-in resolves it, so
``Jordan@`` and ``JOrdan@`` count as ``jordan@``. Whatever calls ``authenticate()`` with a request
(sign-in, the admin's sign-in, the password change's current password) is throttled the same way.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from .signals import sign_in_unlocked


def client_ip(request) -> str | None:
    """The address a request came from: REMOTE_ADDR, or behind our own proxy the address it saw.

    Only the last ``ACCORD_PROXY_COUNT`` entries of X-Forwarded-For are written by proxies we run;
    anything to their left is whatever the client sent, so trusting it would hand every guess a
    fresh address.
    """
    count = settings.ACCORD_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def account_key(request, credentials: dict | None = None) -> str:
    """The typed e-mail as sign-in resolves it: the account's own address when there is one.

    Sign-in matches the e-mail case-insensitively in the database, whose idea of case (ı, ß, K)
    is not Python's; asking the database for the account is the only normalisation that cannot
    disagree with it. Unknown names are lower-cased so their variants share one count too.
    """
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None and request is not None:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    typed = (typed or "").replace("\0", "").strip()[:254]
    if not typed:
        return ""
    cache = request.__dict__.setdefault("_accord_account_keys", {}) if request is not None else {}
    if typed not in cache:
        stored = (
            get_user_model()
            ._default_manager.filter(email__iexact=typed)
            .values_list("email", flat=True)
            .first()
        )
        cache[typed] = (stored or typed).lower()
    return cache[typed]


@dataclass(frozen=True)
class Lock:
    reason: str  # "account-address", "account" or "address"
    until: datetime

    @property
    def retry_after(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)


def _limits():
    return settings.ACCORD_SIGNIN_ACCOUNT_LIMIT, settings.ACCORD_SIGNIN_ADDRESS_LIMIT


def wider_lock(username: str, ip_address: str | None) -> Lock | None:
    """The account-wide or address-wide lock in force, if any, from the failure log."""
    (account_limit, account_window), (address_limit, address_window) = _limits()
    now = timezone.now()
    if username and account_limit:
        since = now - timedelta(minutes=account_window)
        times = list(
            AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)[:account_limit]
        )
        if len(times) >= account_limit:
            # Open again once the oldest of the last `limit` failures leaves the window.
            return Lock("account", times[-1] + timedelta(minutes=account_window))
    if ip_address and address_limit:
        since = now - timedelta(minutes=address_window)
        names = list(
            AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since)
            .exclude(username=None)
            .values("username")
            .annotate(last=Max("attempt_time"))
            .order_by("-last")[: address_limit + 1]
        )
        if len(names) >= address_limit:
            # Open again once fewer than `limit` names have failed within the window.
            names = names[:address_limit]
            return Lock(
                "address", min(n["last"] for n in names) + timedelta(minutes=address_window)
            )
    return None


def pair_lock(username: str, ip_address: str | None) -> Lock | None:
    """Axes's own lock for this account from this address, with the time it lifts."""
    row = AccessAttempt.objects.filter(
        username=username,
        ip_address=ip_address,
        attempt_time__gte=timezone.now() - settings_cool_off(),
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (row["failures"] or 0) >= settings.AXES_FAILURE_LIMIT:
        return Lock("account-address", row["last"] + settings_cool_off())
    return None


def settings_cool_off() -> timedelta:
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


class SignInThrottle(AxesDatabaseHandler):
    """Axes's database handler with the two wider limits added to its lock."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = account_key(request, credentials)
        lock = wider_lock(username, request.axes_ip_address)
        if lock:
            request.accord_lock = lock
        return lock is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        # The failure just logged may be the one that reaches a wider limit: lock now, as axes
        # does for its own, rather than letting one more guess through first.
        username = account_key(request, credentials)
        lock = wider_lock(username, request.axes_ip_address)
        if lock:
            request.accord_lock = lock
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )


def lockout_response(request, original_response=None, credentials=None):
    """429 with Retry-After and, in words, which limit was reached and when it lifts."""
    lock = getattr(request, "accord_lock", None)
    if lock is None:
        lock = pair_lock(account_key(request, credentials), request.axes_ip_address) or Lock(
            "account-address", timezone.now() + settings_cool_off()
        )
    response = render(
        request,
        "accounts/locked_out.html",
        {"lock": lock, "minutes": max(1, round(lock.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(lock.retry_after)
    return response


def unlock(*, username: str | None = None, ip_address: str | None = None, by=None) -> int:
    """Lift every lock on an account (any address) or on an address (any account).

    Axes's own ``axes_reset_username`` clears only its pair lock; the wider limits count the
    failure log, so that goes too. Returns how many records were removed.
    """
    removed = 0
    if username:
        username = account_key(None, {settings.AXES_USERNAME_FORM_FIELD: username})
        removed += AccessAttempt.objects.filter(username=username).delete()[0]
        removed += AccessFailureLog.objects.filter(username=username).delete()[0]
    if ip_address:
        removed += AccessAttempt.objects.filter(ip_address=ip_address).delete()[0]
        removed += AccessFailureLog.objects.filter(ip_address=ip_address).delete()[0]
    sign_in_unlocked.send(
        sender=unlock, username=username, ip_address=ip_address, removed=removed, by=by
    )
    return removed


def prune_failure_log() -> int:
    """Failures older than every window count for nothing; the audit log keeps the record."""
    (_, account_window), (_, address_window) = _limits()
    keep = max(account_window, address_window, settings.AXES_COOLOFF_TIME * 60)
    before = timezone.now() - timedelta(minutes=keep)
    return AccessFailureLog.objects.filter(attempt_time__lt=before).delete()[0]
