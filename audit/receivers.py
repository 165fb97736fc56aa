"""What the log hears without anyone calling it: Django's sign-in signals, axes's lockout, the
role (group) changes of any path (admin, a form, the shell), and accounts' unlock."""

from axes.signals import user_locked_out
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from accounts.signals import (
    second_factor_changed,
    session_ended,
    sign_in_unlocked,
    sso_refused,
)

from .models import Action
from .services import record

User = get_user_model()
# A label for how someone signed in, from the backend that let them in.
METHODS = {
    "accounts.backends.RoleBackend": "password",
    "axes.backends.AxesStandaloneBackend": "password",
    "portal.backends.PortalLinkBackend": "portal link",
    "accounts.sso.SsoBackend": "single sign-on",
}


@receiver(user_logged_in, dispatch_uid="audit-signed-in")
def signed_in(sender, request, user, **kwargs) -> None:
    # login() puts the backend it was given in the session, and on the user only if it chose it.
    backend = getattr(user, "backend", "") or request.session.get(BACKEND_SESSION_KEY, "")
    record(
        Action.SIGNED_IN,
        request=request,
        actor=user,
        target=user,
        extra={"method": METHODS.get(backend, backend)},
    )


@receiver(user_login_failed, dispatch_uid="audit-sign-in-failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    record(Action.SIGN_IN_FAILED, request=request, actor_email=str(typed), label=str(typed))


@receiver(sso_refused, dispatch_uid="audit-sso-refused")
def single_sign_on_refused(sender, request, reason, **kwargs) -> None:
    record(
        Action.SIGN_IN_FAILED, request=request, extra={"method": "single sign-on", "reason": reason}
    )


@receiver(second_factor_changed, dispatch_uid="audit-second-factor")
def second_factor(sender, user, what, by=None, **kwargs) -> None:
    record(Action.SECOND_FACTOR, actor=by, target=user, extra={"what": what})


@receiver(user_logged_out, dispatch_uid="audit-signed-out")
def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Action.SIGNED_OUT, request=request, actor=user, target=user)


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    lock = getattr(request, "accord_lock", None)
    record(
        Action.LOCKED_OUT,
        request=request,
        actor_email=username or "",
        label=username or ip_address or "",
        extra={"limit": lock.reason if lock else "account-address"},
    )


@receiver(sign_in_unlocked, dispatch_uid="audit-sign-in-unlocked")
def sign_in_unlocked_recorded(sender, username, ip_address, removed, by=None, **kwargs) -> None:
    record(
        Action.SIGN_IN_UNLOCKED,
        actor=by,
        label=", ".join(filter(None, [username, ip_address])),
        extra={"email": username or "", "address": ip_address or "", "removed": removed},
    )


def _role_events(action: Action, users, groups) -> None:
    for user in users:
        for group in groups:
            record(action, target=user, extra={"role": group.name})


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit-roles")
def roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action == "pre_clear":
        # What a clear removes is known only before it happens.
        instance._audit_cleared = list(
            instance.user_set.all() if reverse else instance.groups.all()
        )
        return
    if action == "post_clear":
        cleared = getattr(instance, "_audit_cleared", [])
        if reverse:
            _role_events(Action.ROLE_REMOVED, cleared, [instance])
        else:
            _role_events(Action.ROLE_REMOVED, [instance], cleared)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = Action.ROLE_GRANTED if action == "post_add" else Action.ROLE_REMOVED
    others = list(model.objects.filter(pk__in=pk_set).order_by("pk"))
    if reverse:  # group.user_set.add(...)
        _role_events(kind, others, [instance])
    else:
        _role_events(kind, [instance], others)


@receiver(session_ended, dispatch_uid="audit-session-ended")
def session_ended_recorded(sender, session, by=None, reason="", **kwargs) -> None:
    record(
        Action.SESSION_ENDED,
        actor=by,
        target=session.user,
        extra={
            "reason": reason,
            "device": session.device,
            "address": session.ip or "",
            "signed_in": session.created.isoformat(),
        },
    )
