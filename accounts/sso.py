"""Single sign-on by OpenID Connect, on mozilla-django-oidc.

The library runs the code flow (state, nonce, PKCE, the token request, the provider's keys);
this module adds what Accord needs on top: endpoints by discovery, an ID token checked for
issuer and audience too (the library skips the audience), a verified e-mail, no partner
contact let in, accounts made just in time, and roles re-applied from claims at each sign-in.
"""

import functools
import logging
import zoneinfo

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import roles
from .backends import RoleBackend
from .models import SsoIdentity, User

log = logging.getLogger(__name__)


class SsoRefused(Exception):
    """A sign-in the provider sent that Accord does not accept; the message is for the page."""


def enabled() -> bool:
    return bool(settings.ACCORD_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def name() -> str:
    return settings.ACCORD_OIDC_NAME


@functools.cache
def _discover(issuer: str) -> dict:
    response = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    config = response.json()
    if config.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(f"{issuer} describes itself as {config.get('issuer')!r}.")
    return config


def discovery() -> dict:
    """The provider's endpoints, asked once per process (a failure is asked again)."""
    return _discover(settings.ACCORD_OIDC_ISSUER)


_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default):
    if attr in _ENDPOINTS:
        return discovery()[_ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


def _pairs(text: str) -> dict[str, str]:
    pairs = {}
    for item in text.split(";"):
        key, _, role = item.partition("=")
        if key.strip() and role.strip():
            if role.strip() not in roles.INTERNAL:
                raise ImproperlyConfigured(
                    f"SSO maps {key.strip()!r} to {role.strip()!r}: a role must be one of "
                    f"{', '.join(roles.INTERNAL)}."
                )
            pairs[key.strip().lower()] = role.strip()
    return pairs


def role_map() -> dict[str, str]:
    return _pairs(settings.ACCORD_OIDC_ROLE_MAP)


def domain_roles() -> dict[str, str]:
    return _pairs(settings.ACCORD_OIDC_DOMAIN_ROLES)


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def domain_allowed(email: str) -> bool:
    """The domains an administrator lets this provider sign in; none configured, any."""
    allowed = {d.lower() for d in settings.ACCORD_OIDC_ALLOWED_DOMAINS}
    return not allowed or domain_of(email) in allowed


def sso_required(email: str) -> bool:
    required = {d.lower() for d in settings.ACCORD_SSO_REQUIRED_DOMAINS}
    return enabled() and domain_of(email) in required


def signs_in_with_password(user: User) -> bool:
    """False for SSO-only people (made by SSO without a password, or of a domain that requires
    it): no password of theirs to change, so the page and its link are not theirs."""
    return user.has_usable_password() and not sso_required(user.email)


def mapped_roles(claims: dict) -> set[str]:
    values = claims.get(settings.ACCORD_OIDC_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    by_claim = role_map()
    found = {by_claim[str(v).lower()] for v in values if str(v).lower() in by_claim}
    if role := domain_roles().get(domain_of(claims.get("email", ""))):
        found.add(role)
    return found


def apply_roles(user: User, claims: dict) -> None:
    """Only the roles the maps name are managed here: one granted by hand in admin, and not
    named by any map, stays. Through the groups relation, so the audit log hears each change."""
    managed = set(role_map().values()) | set(domain_roles().values())
    if not managed:
        return
    wanted = mapped_roles(claims)
    groups = {g.name: g for g in Group.objects.filter(name__in=managed)}
    have = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if add := [groups[name] for name in wanted - have]:
        user.groups.add(*add)
    if remove := [groups[name] for name in (have - wanted) & managed]:
        user.groups.remove(*remove)
    user.__dict__.pop("role_names", None)


class SsoBackend(RoleBackend, OIDCAuthenticationBackend):
    """Signs in whoever the provider vouches for. RoleBackend first, so a session opened here is
    read and given permissions exactly as a password session is."""

    def __init__(self, *args, **kwargs) -> None:
        # Django builds every backend for every sign-in, passwords included: nothing is asked of
        # the provider until a callback is actually being handled.
        self.UserModel = User

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        if request is None or nonce is None or not enabled():
            return None
        for attr in (
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_RP_SIGN_ALGO",
        ):
            setattr(self, attr, self.get_settings(attr))
        self.OIDC_RP_IDP_SIGN_KEY = None
        return OIDCAuthenticationBackend.authenticate(
            self, request, nonce=nonce, code_verifier=code_verifier
        )

    def verify_token(self, token, **kwargs) -> dict:
        nonce = kwargs.get("nonce")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise SsoRefused("The provider signed the sign-in with an unexpected algorithm.")
            payload = jwt.decode(
                token,
                self.retrieve_matching_jwk(token),
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=60,
            )
        except jwt.ExpiredSignatureError as error:
            raise SsoRefused("The sign-in from your provider had expired.") from error
        except jwt.InvalidSignatureError as error:
            raise SsoRefused("The sign-in was not signed by your provider.") from error
        except jwt.PyJWTError as error:
            raise SsoRefused(f"The provider's sign-in could not be checked ({error}).") from error
        if nonce is not None and payload.get("nonce") != nonce:
            raise SsoRefused("The sign-in does not answer the request this browser made.")
        self._id_claims = payload
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SsoRefused("The provider described someone else than who signed in.")
        claims = {**payload, **userinfo}
        self._claims, self._name = claims, (claims.get("name") or "")[:150]
        email = (claims.get("email") or "").strip().lower()
        if not email:
            raise SsoRefused("The provider did not give an e-mail address.")
        if claims.get("email_verified") is not True:
            raise SsoRefused(
                f"Your provider has not verified {email}. Verify it there, then sign in again."
            )
        if not domain_allowed(email):
            raise SsoRefused(f"{domain_of(email)} is not a domain that signs in to Accord here.")
        issuer, subject = discovery()["issuer"], str(payload["sub"])
        with transaction.atomic():
            identity = (
                SsoIdentity.objects.select_related("user")
                .filter(issuer=issuer, subject=subject)
                .first()
            )
            user = identity.user if identity else self._link(email, issuer, subject)
            if user.email != email:
                # The same person at the provider, a new address: ours follows theirs.
                if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                    raise SsoRefused(
                        f"{email} belongs to another Accord account: ask an administrator."
                    )
                user.email = email
                user.save(update_fields=["email"])
            if user.is_partner_contact:
                # Their sign-in is the portal's link; SSO must never hand them our side.
                raise SsoRefused(
                    f"{email} is a partner's address: partner contacts sign in through the "
                    "partner portal."
                )
            if not user.is_active:
                raise SsoRefused(f"The Accord account of {email} is switched off.")
            apply_roles(user, claims)
        user.sso_amr = list(payload.get("amr") or [])
        return user

    def _link(self, email: str, issuer: str, subject: str) -> User:
        """An account for an identity seen for the first time: the one with its verified
        e-mail, unless that one is already someone else at this provider, or a new one."""
        # A partner contact found here is refused by the caller, in the same transaction, which
        # takes the identity made below back with it.
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and SsoIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise SsoRefused(
                f"The Accord account of {email} is linked to another identity at your provider."
            )
        if user is None:
            user = User.objects.create_user(email, password=None, full_name=self._name)
            tz = self._claims.get("zoneinfo")
            if tz in zoneinfo.available_timezones():
                user.time_zone = tz
                user.save(update_fields=["time_zone"])
        SsoIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        return user
