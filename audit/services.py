"""Recording and pruning the audit log. Any app may call :func:`record`."""

import datetime
import re

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from .context import current_request
from .models import Action, AuditEvent

SYSTEM = "system"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _text(value: object, length: int) -> str:
    # What a client sent (a user agent, a typed e-mail) must never stop the record being written:
    # PostgreSQL refuses NUL and unpaired surrogates cannot be encoded.
    return _UNSTORABLE.sub("\ufffd", str(value or ""))[:length]


def _client_ip(request: HttpRequest) -> str | None:
    # The address the sign-in throttle keys on: X-Forwarded-For trusted for our proxies only.
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def record(
    action: Action,
    *,
    request: HttpRequest | None = None,
    actor=None,
    actor_email: str | None = None,
    target: models.Model | None = None,
    label: str = "",
    extra: dict | None = None,
) -> AuditEvent:
    """One event. The actor is the signed-in user of the request being served unless given; a
    target is a model instance (its label is how it reads now, kept if it is renamed or
    deleted later)."""
    request = request or current_request()
    if actor is None and request is not None and _signed_in(getattr(request, "user", None)):
        actor = request.user
    if actor_email is None:
        actor_email = actor.email if _signed_in(actor) else ""
    event = AuditEvent(
        actor=actor if _signed_in(actor) else None,
        actor_email=_text(actor_email.strip().lower(), 254),
        action=action,
        extra=extra or {},
    )
    if target is not None:
        event.target_type = target._meta.label_lower
        event.target_id = str(target.pk)
        event.target_label = _text(label or target, 200)
    else:
        event.target_label = _text(label, 200)
    if request is not None:
        event.ip_address = _client_ip(request)
        event.user_agent = _text(request.META.get("HTTP_USER_AGENT"), 300)
    event.save()
    return event


def retention() -> datetime.timedelta | None:
    days = settings.ACCORD_AUDIT_RETENTION_DAYS
    return datetime.timedelta(days=days) if days > 0 else None


def prune(now: datetime.datetime | None = None) -> int:
    """Events older than the retention leave the log (0 days keeps everything). The one
    deletion the append-only trigger lets through: it asks for it by name, in this
    transaction only."""
    keep = retention()
    if keep is None:
        return 0
    before = (now or timezone.now()) - keep
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL accord.audit_prune = 'on'")
        return AuditEvent.objects.filter(at__lt=before).delete()[0]
