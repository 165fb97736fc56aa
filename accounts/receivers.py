from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from . import mfa, signed_in
from .models import SignedInSession, User


@receiver(user_logged_in, dispatch_uid="accounts-second-factor-owed")
def second_factor_owed(sender, request, user, **kwargs) -> None:
    # Decided once per sign-in and kept in the session, so no page pays a query for it.
    pending = mfa.pending_at_sign_in(user, getattr(user, "sso_amr", None))
    if pending:
        request.session[mfa.PENDING] = pending
    else:
        request.session.pop(mfa.PENDING, None)


@receiver(user_logged_in, dispatch_uid="accounts-session-listed")
def session_listed(sender, request, user, **kwargs) -> None:
    signed_in.record_sign_in(request, user)


@receiver(user_logged_out, dispatch_uid="accounts-session-unlisted")
def session_unlisted(sender, request, user, **kwargs) -> None:
    signed_in.forget(request)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts-role-removed")
def role_removed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A role lost by any path (admin, SSO's re-applied map, the shell) ends every session of
    that user, this one too: the next request signs in again and is judged on what is left."""
    if action == "pre_clear":
        users = list(instance.user_set.values_list("pk", flat=True)) if reverse else [instance.pk]
    elif action == "post_remove" and pk_set:
        users = list(pk_set) if reverse else [instance.pk]
    else:
        return
    signed_in.end_sessions(
        sessions=SignedInSession.objects.filter(user_id__in=users),
        by=None,
        reason=signed_in.ROLE_REMOVED,
    )
