"""The second factor: TOTP (an authenticator app) and single-use recovery codes, on django-otp.

What a session still owes is decided once, when it signs in, and kept in the session, so pages
cost no query for it: "verify" (they have a factor and have not used it yet), "enrol" (their
role requires one and they have none) or nothing.
"""

import hashlib
import secrets
from base64 import b32encode, urlsafe_b64encode

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .signals import second_factor_changed

PENDING = "accord_mfa_pending"
NEW_CODES = "accord_mfa_new_codes"  # recovery codes just made, until another page is opened
VERIFY, ENROL = "verify", "enrol"
RECOVERY_CODES = 10


def required_for(user: User) -> bool:
    return settings.ACCORD_MFA_REQUIRED and (user.is_executive or user.is_administrator)


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def provider_did_mfa(amr: list[str] | None) -> bool:
    trusted = set(settings.ACCORD_MFA_TRUSTED_AMR)
    return settings.ACCORD_MFA_TRUST_AMR and bool(trusted & set(amr or []))


def pending_at_sign_in(user: User, amr: list[str] | None = None) -> str | None:
    if user.is_partner_contact:
        return None  # the portal's one-time link is their sign-in
    if has_factor(user):
        return None if provider_did_mfa(amr) else VERIFY
    return ENROL if required_for(user) else None


def unconfirmed_device(user: User) -> TOTPDevice:
    """The device being enrolled: kept until confirmed, so reloading the page keeps the QR."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: 96 bits of its SHA-256, in StaticToken's 16 characters.
    A fast hash is enough because the codes are 80 random bits, not a password someone chose:
    stretching protects guessable secrets, and nobody can try 2^80 codes, fast hash or slow."""
    plain = code.strip().replace(" ", "").replace("-", "").lower()
    return urlsafe_b64encode(hashlib.sha256(plain.encode()).digest()).decode()[:16]


def _random_code() -> str:
    plain = b32encode(secrets.token_bytes(10)).decode().lower()  # 16 characters, 80 bits
    return "-".join(plain[i : i + 4] for i in range(0, 16, 4))


def new_recovery_codes(user: User, *, by: User | None = None) -> list[str]:
    """New codes in place of any old ones; only their digests are kept, so the list returned is
    the one time anyone sees them. Audited when they replace codes (enrolment is audited as
    such)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [_random_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_digest(code)) for code in codes
    )
    if by is not None:
        second_factor_changed.send(sender=User, user=user, what="new recovery codes", by=by)
    return codes


class _Refused(Exception):
    pass


def _check(device, code: str) -> bool:
    """The device's own check, its bookkeeping kept only when the code is right: a wrong code
    changes nothing here (axes counts it), so a refused form leaves every table as it was."""
    try:
        with transaction.atomic():
            if not device.verify_token(code):
                raise _Refused
    except _Refused:
        return False
    return True


@transaction.atomic
def confirm_totp(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Turns the factor on if the code is right; returns the recovery codes, shown once."""
    if not _check(device, code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    second_factor_changed.send(sender=User, user=user, what="enrolled", by=user)
    return new_recovery_codes(user)


def verify(*, user: User, code: str) -> str | None:
    """The kind of factor that matched ("totp", "recovery code"), or None. django-otp refuses a
    TOTP code used before (its last_t) and deletes a recovery code once used."""
    code = code.strip().replace(" ", "").replace("-", "")
    if current_code_is_right(user=user, code=code):
        second_factor_changed.send(sender=User, user=user, what="verified", by=user)
        return "totp"
    if not code.isdigit():
        for static in StaticDevice.objects.filter(user=user):
            if _check(static, recovery_digest(code)):
                second_factor_changed.send(
                    sender=User, user=user, what="recovery code used", by=user
                )
                return "recovery code"
    return None


def current_code_is_right(*, user: User, code: str) -> bool:
    """The app's code now, asked before the factor is turned off or its codes replaced: a
    session left open (or stolen) cannot take the factor away without the phone."""
    device = totp_device(user)
    code = code.strip().replace(" ", "")
    return device is not None and code.isdigit() and _check(device, code)


@transaction.atomic
def reset(*, user: User, by: User | None) -> None:
    """Removes every factor; they enrol again at their next sign-in (if their role requires)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    second_factor_changed.send(sender=User, user=user, what="reset", by=by)
