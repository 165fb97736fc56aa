# The second factor's pages are the signed-in user's own; the verify form shows only to a
# session that owes its code, which force_login gives a user with a factor (accounts.receivers).


def _with_a_factor(partnership):
    from django_otp.oath import TOTP

    from accounts import mfa

    user = partnership.managers.first()
    if not mfa.has_factor(user):
        device = mfa.unconfirmed_device(user)
        mfa.confirm_totp(user=user, device=device, code=f"{TOTP(device.bin_key).token():06d}")
    return user


def _without_a_factor(partnership):
    from accounts import mfa

    user = partnership.managers.first()
    mfa.reset(user=user, by=None)
    return user


def _past_the_factor(partnership):
    user = _with_a_factor(partnership)
    user.sso_amr = ["mfa"]  # read at sign-in: as if the provider had done MFA, nothing is owed
    return user


WALK_AS = {
    "accounts:mfa": _past_the_factor,
    "accounts:mfa_verify": _with_a_factor,
    "accounts:mfa_enrol": _without_a_factor,
}


# One's own sessions are named by their row, not by a partnership; the profile carries both
# forms, and the one for a single session shows for a session other than the walker's own.
NOT_PARTNERSHIP_ROUTES = {"accounts:session_end"}
FORM_HOSTS = {
    "accounts:session_end": "accounts:profile",
    "accounts:sessions_end_others": "accounts:profile",
}


def _another_session(partnership, user):
    from accounts.models import SignedInSession

    row = SignedInSession.objects.create(
        user=user, session_key=f"walk{user.pk:036d}", user_agent="Firefox/130.0", ip="192.0.2.1"
    )
    return {"pk": row.pk}


ROUTE_ARGUMENTS = {"accounts:session_end": _another_session}
