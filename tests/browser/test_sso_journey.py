"""Enterprise sign-in in a browser: npm's oidc-provider (tests/idp/) as the company's provider."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from accounts import sso as sso_module
from accounts.models import User

from ..factories import UserFactory
from ..idp.provider import TestProvider
from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(live_server, settings):
    idp = TestProvider(
        [f"{live_server.url}/accounts/sso/callback/", f"{live_server.url}/accounts/sign-in/"]
    )
    settings.ACCORD_OIDC_ISSUER = idp.issuer
    settings.ACCORD_OIDC_NAME = "Corp ID"
    settings.OIDC_RP_CLIENT_ID = "accord"
    settings.OIDC_RP_CLIENT_SECRET = "accord-secret"
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.ACCORD_OIDC_ROLE_MAP = "accord-executives=Executive"
    settings.ACCORD_SSO_REQUIRED_DOMAINS = ["sso-only.example"]
    settings.ACCORD_MFA_REQUIRED = True
    sso_module._discover.cache_clear()
    yield idp
    idp.stop()
    sso_module._discover.cache_clear()


def at_the_provider(page, login: str) -> None:
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")


def current_code(secret: str, later: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = totp.time + later * 30
    return f"{totp.token():06d}"


def test_a_new_executive_signs_in_by_sso_enrols_totp_and_loses_the_role_with_the_group(
    page, provider, screenshot
):
    page.goto("/accounts/sign-in/")
    assert_accessible(page)
    screenshot(page, "sign-in-with-sso")
    page.get_by_role("link", name="Sign in with Corp ID").click()
    at_the_provider(page, "alice")

    # Back in Accord, an executive (from the group), and led to enrolment before any page.
    page.wait_for_url(re.compile(r"/accounts/second-factor/enrol/"))
    assert User.objects.get(email="alice@corp.example").is_executive
    assert_accessible(page)
    screenshot(page, "totp-enrolment")
    secret = page.get_by_test_id("secret").inner_text()
    page.fill("input[name=code]", current_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url(re.compile(r"/recovery-codes/"))
    assert len(page.get_by_test_id("recovery-codes").locator("li").all()) == 10
    assert_accessible(page)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    page.goto("/partnerships/")
    assert page.url.endswith("/partnerships/")

    page.goto("/accounts/profile/")
    screenshot(page, "profile")
    page.locator("form[action='/accounts/sign-out/']").first.evaluate("f => f.submit()")
    page.wait_for_url(re.compile(r"/session/end"))  # the provider offers its own sign-out

    # Out of the group at the provider: at the next sign-in the role is gone.
    provider.set_groups("alice", [])
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with Corp ID").click()
    if page.locator("input[name=login]").count():
        at_the_provider(page, "alice")
    page.wait_for_url(re.compile(r"/accounts/second-factor/verify/"))
    screenshot(page, "second-factor-asked")
    page.fill("input[name=code]", current_code(secret, later=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert not User.objects.get(email="alice@corp.example").is_executive


def test_a_person_of_a_domain_that_requires_sso_cannot_use_a_password(page, provider, screenshot):
    UserFactory(email="bob@sso-only.example")
    page.goto("/accounts/sign-in/")
    page.fill("input[name=username]", "bob@sso-only.example")
    page.fill("input[name=password]", "secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("sso-only.example signs in with single sign-on").is_visible()
    screenshot(page, "sso-required")
    page.get_by_role("link", name="Sign in with Corp ID").click()
    at_the_provider(page, "bob")
    page.wait_for_url(re.compile(r"^(?!.*sign-in).*$"))
    assert "/accounts/sign-in/" not in page.url
