"""The second factor: TOTP codes computed here with django-otp's own TOTP, recovery codes."""

import re

import pytest
from axes.models import AccessFailureLog
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from audit.models import Action, AuditEvent

from ..factories import administrator, executive, manager

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
VERIFY = "/accounts/second-factor/verify/"
ENROL = "/accounts/second-factor/enrol/"
SETTINGS = "/accounts/second-factor/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.ACCORD_MFA_REQUIRED = True


def sign_in(client, user):
    response = client.post(SIGN_IN, {"username": user.email, "password": "secret-pass-123"})
    assert response.status_code == 302
    return response


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = mfa.unconfirmed_device(user)
    codes = mfa.confirm_totp(user=user, device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def test_an_executive_without_a_factor_is_led_to_enrolment_from_every_page(client):
    user = executive(email="olivia@example.com")
    sign_in(client, user)
    for page in ("/", "/partnerships/", "/accounts/profile/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(ENROL)
    body = client.get(ENROL).content.decode()
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', body).group(1)
    assert secret.replace(" ", "") in device.config_url


def test_enrolment_takes_a_real_code_and_shows_recovery_codes_once(client):
    user = executive(email="olivia@example.com")
    sign_in(client, user)
    client.get(ENROL + "?next=/partnerships/")
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post(ENROL, {"code": "000000", "next": "/partnerships/"})
    assert "does not match" in wrong.content.decode()
    response = client.post(ENROL, {"code": code_for(device), "next": "/partnerships/"})
    assert response["Location"] == "/accounts/second-factor/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r'<li class="col">([\w-]+)</li>', page)
    assert len(codes) == 10
    download = client.get("/accounts/second-factor/recovery-codes.txt")
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)
    assert 'href="/partnerships/">I have saved them' in page
    assert client.get("/partnerships/").status_code == 200
    assert client.get("/accounts/second-factor/recovery-codes.txt").status_code == 404
    assert client.get("/partnerships/").status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.SECOND_FACTOR, extra={"what": "enrolled"}
    ).exists()


def test_with_a_factor_sign_in_asks_for_a_code_before_any_page(client):
    user = manager(email="sam@example.com")
    device, _ = enrolled(user)
    sign_in(client, user)
    assert client.get("/partnerships/")["Location"].startswith(VERIFY)
    wrong = client.post(VERIFY, {"code": "123456"})
    assert "not right" in wrong.content.decode()
    assert AccessFailureLog.objects.filter(username="sam@example.com").count() == 1
    right = client.post(VERIFY, {"code": code_for(device, drift=1), "next": "/partnerships/"})
    assert right["Location"] == "/partnerships/"
    assert client.get("/partnerships/").status_code == 200


def test_a_code_used_once_is_refused_the_second_time(client):
    user = manager(email="sam@example.com")
    device, _ = enrolled(user)
    device.refresh_from_db()
    # The very code enrolment used (its time step), even if the clock has moved to the next one.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = device.t0 + device.last_t * device.step
    sign_in(client, user)
    assert "not right" in client.post(VERIFY, {"code": f"{totp.token():06d}"}).content.decode()


def test_a_recovery_code_works_once(client):
    user = manager(email="sam@example.com")
    _, codes = enrolled(user)
    sign_in(client, user)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post("/accounts/sign-out/")
    sign_in(client, user)
    assert "not right" in client.post(VERIFY, {"code": codes[0]}).content.decode()
    assert AuditEvent.objects.filter(extra={"what": "recovery code used"}).count() == 1


def test_wrong_codes_are_locked_out_like_wrong_passwords(client, settings):
    user = manager(email="sam@example.com")
    device, _ = enrolled(user)
    sign_in(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"code": "111111"}).status_code == 200
    assert client.post(VERIFY, {"code": "111111"}).status_code == 429
    assert client.post(VERIFY, {"code": code_for(device, drift=1)}).status_code == 429


def test_a_session_owing_its_code_cannot_replace_or_turn_off_the_factor(client):
    user = manager(email="sam@example.com")
    enrolled(user)
    sign_in(client, user)
    assert client.get(ENROL)["Location"] == VERIFY
    response = client.post("/accounts/second-factor/", {"action": "turn_off"})
    assert response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def verified_login(client, user) -> None:
    client.force_login(user)
    session = client.session
    session.pop(mfa.PENDING, None)
    session.save()


def test_a_partner_manager_may_turn_it_off_but_an_executive_may_not(client):
    sam = manager(email="sam@example.com")
    device, _ = enrolled(sam)
    verified_login(client, sam)
    client.post(SETTINGS, {"action": "turn_off", "code": code_for(device, drift=1)})
    assert not mfa.has_factor(sam)
    olivia = executive(email="olivia@example.com")
    device, _ = enrolled(olivia)
    verified_login(client, olivia)
    client.post(SETTINGS, {"action": "turn_off", "code": code_for(device, drift=1)})
    assert mfa.has_factor(olivia)


def test_turning_it_off_needs_the_apps_current_code(client):
    sam = manager(email="sam@example.com")
    _, codes = enrolled(sam)
    verified_login(client, sam)
    for code in ("", "000000", codes[0]):  # a recovery code is not the phone
        response = client.post(SETTINGS, {"action": "turn_off", "code": code})
        assert response.status_code == 400
        assert "nothing was changed" in response.content.decode()
        assert mfa.has_factor(sam)
    assert AccessFailureLog.objects.filter(username="sam@example.com").count() == 3


def test_new_recovery_codes_need_the_current_code_and_are_audited(client):
    sam = manager(email="sam@example.com")
    device, old = enrolled(sam)
    verified_login(client, sam)
    assert client.post(SETTINGS, {"action": "new_codes", "code": "123456"}).status_code == 400
    assert not AuditEvent.objects.filter(extra={"what": "new recovery codes"}).exists()
    response = client.post(SETTINGS, {"action": "new_codes", "code": code_for(device, drift=1)})
    assert response["Location"] == "/accounts/second-factor/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r'<li class="col">([\w-]+)</li>', page)
    assert len(new) == 10 and not set(new) & set(old)
    event = AuditEvent.objects.get(extra={"what": "new recovery codes"})
    assert event.actor == sam and event.target_id == str(sam.pk)


def test_recovery_codes_are_stored_hashed_and_leave_the_session_after_their_page(client):
    sam = manager(email="sam@example.com")
    _, codes = enrolled(sam)
    stored = set(StaticToken.objects.filter(device__user=sam).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    assert stored == {mfa.recovery_digest(c) for c in codes}
    assert all(len(c.replace("-", "")) == 16 for c in codes)  # 80 random bits each


def test_the_verified_second_step_is_audited(client):
    sam = manager(email="sam@example.com")
    device, _ = enrolled(sam)
    sign_in(client, sam)
    client.post(VERIFY, {"code": code_for(device, drift=1)})
    event = AuditEvent.objects.get(action=Action.SECOND_FACTOR, extra={"what": "verified"})
    assert event.actor == sam


def test_the_step_is_asked_for_under_a_script_prefix_and_by_htmx(client):
    sam = manager(email="sam@example.com")
    enrolled(sam)
    sign_in(client, sam)
    # Under a prefix, request.path carries it and request.path_info does not: the step's own
    # page must still open instead of redirecting to itself.
    assert client.get(VERIFY, SCRIPT_NAME="/accord").status_code == 200
    elsewhere = client.get("/partnerships/", SCRIPT_NAME="/accord")
    assert elsewhere.status_code == 302 and VERIFY in elsewhere["Location"]
    htmx = client.get("/partnerships/", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == VERIFY


def test_not_required_means_password_only_for_executives(client, settings):
    settings.ACCORD_MFA_REQUIRED = False
    sign_in(client, executive(email="olivia@example.com"))
    assert client.get("/partnerships/").status_code == 200


def test_an_administrator_resets_a_factor_in_admin_and_it_is_audited(client):
    admin = administrator(email="ada@example.com")
    enrolled(admin)
    sam = manager(email="sam@example.com")
    enrolled(sam)
    verified_login(client, admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [sam.pk]},
    )
    assert response.status_code == 302
    assert not mfa.has_factor(sam)
    event = AuditEvent.objects.get(extra={"what": "reset"})
    assert event.actor == admin and event.target_id == str(sam.pk)


def test_sso_with_the_providers_mfa_is_not_asked_again(client, sso):
    from .test_sso import sign_in_with_sso

    sso.fault("amr")  # the ID token says amr: ["pwd", "mfa"]
    sign_in_with_sso(client, sso, "alice")
    assert client.get("/partnerships/").status_code == 302  # enrolment: she has no factor yet
    user = client.session["_auth_user_id"]
    from accounts.models import User

    enrolled(User.objects.get(pk=user))
    client.post("/accounts/sign-out/")
    sso.fault("amr")
    sign_in_with_sso(client, sso, "alice")
    assert client.get("/partnerships/").status_code == 200
    client.post("/accounts/sign-out/")
    sign_in_with_sso(client, sso, "alice")  # no amr this time
    assert client.get("/partnerships/")["Location"].startswith(VERIFY)


def test_sso_amr_is_ignored_when_the_setting_says_so(client, sso, settings):
    from accounts.models import User

    from .test_sso import sign_in_with_sso

    settings.ACCORD_MFA_TRUST_AMR = False
    sign_in_with_sso(client, sso, "alice")
    enrolled(User.objects.get(email="alice@corp.example"))
    client.post("/accounts/sign-out/")
    sso.fault("amr")
    sign_in_with_sso(client, sso, "alice")
    assert client.get("/partnerships/")["Location"].startswith(VERIFY)
