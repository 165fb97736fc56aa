from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import mfa


@receiver(user_logged_in, dispatch_uid="accounts-second-factor-owed")
def second_factor_owed(sender, request, user, **kwargs) -> None:
    # Decided once per sign-in and kept in the session, so no page pays a query for it.
    pending = mfa.pending_at_sign_in(user, getattr(user, "sso_amr", None))
    if pending:
        request.session[mfa.PENDING] = pending
    else:
        request.session.pop(mfa.PENDING, None)
