"""Single sign-on against a real OpenID Connect provider (npm's oidc-provider, tests/idp/)."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User
from audit.models import Action, AuditEvent

from ..factories import UserFactory, manager

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
BACK = "http://testserver/accounts/sso/callback/"


def sign_in_with_sso(client, provider, login: str):
    start = client.get("/accounts/sso/start/")
    assert start.status_code == 302
    back = provider.sign_in(start["Location"], login, BACK)
    return client.get(back.removeprefix("http://testserver"))


def test_the_sign_in_page_offers_the_provider(client, sso):
    body = client.get(SIGN_IN).content.decode()
    assert "Sign in with Corp ID" in body
    assert 'name="password"' in body


def test_without_a_provider_the_sign_in_page_has_passwords_only(client):
    assert "Sign in with" not in client.get(SIGN_IN).content.decode()
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


def test_a_new_person_is_created_at_first_sign_in_with_the_role_of_their_group(client, sso):
    response = sign_in_with_sso(client, sso, "alice")
    assert response.status_code == 302
    user = User.objects.get(email="alice@corp.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.full_name == "Alice Exec"
    assert user.time_zone == "Europe/Paris"
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {roles.EXECUTIVE}
    event = AuditEvent.objects.get(action=Action.SIGNED_IN)
    assert event.extra == {"method": "single sign-on"}
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANTED, actor_email="").exists() or (
        AuditEvent.objects.filter(action=Action.ROLE_GRANTED).exists()
    )


def test_leaving_the_group_at_the_provider_takes_the_role_away_at_the_next_sign_in(client, sso):
    sign_in_with_sso(client, sso, "alice")
    user = User.objects.get(email="alice@corp.example")
    hand_granted = Group.objects.get(name=roles.PARTNER_MANAGER)
    user.groups.add(hand_granted)  # no map names this role: SSO leaves it alone
    client.post("/accounts/sign-out/")
    sso.set_groups("alice", [])
    sign_in_with_sso(client, sso, "alice")
    assert set(user.groups.values_list("name", flat=True)) == {roles.PARTNER_MANAGER}
    assert AuditEvent.objects.filter(action=Action.ROLE_REMOVED).exists()


def test_a_person_without_a_mapped_group_gets_no_role(client, sso):
    sign_in_with_sso(client, sso, "dave")
    user = User.objects.get(email="dave@corp.example")
    assert user.role_label == "No role yet"


def test_an_existing_user_with_the_same_e_mail_is_linked_not_duplicated(client, sso):
    existing = manager(email="Alice@Corp.example")
    sign_in_with_sso(client, sso, "alice")
    assert User.objects.filter(email__iexact="alice@corp.example").count() == 1
    assert client.session["_auth_user_id"] == str(existing.pk)
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_a_partner_contact_cannot_use_sso_to_get_our_roles(client, sso):
    contact = UserFactory(email="alice@corp.example")
    contact.groups.add(Group.objects.get(name=roles.PARTNER_CONTACT))
    response = sign_in_with_sso(client, sso, "alice")
    assert response.status_code == 400
    assert "partner contacts sign in through the partner portal" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert set(contact.groups.values_list("name", flat=True)) == {roles.PARTNER_CONTACT}


def test_an_unverified_e_mail_is_refused_and_no_user_is_made(client, sso):
    response = sign_in_with_sso(client, sso, "carol")
    assert response.status_code == 400
    assert "has not verified carol@corp.example" in response.content.decode()
    assert not User.objects.filter(email="carol@corp.example").exists()
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("nonce", "does not answer the request this browser made"),
        ("expired", "had expired"),
        ("signature", "was not signed by your provider"),
    ],
)
def test_a_faulty_id_token_is_refused_with_a_clear_page_and_no_user(client, sso, fault, words):
    sso.fault(fault)
    response = sign_in_with_sso(client, sso, "alice")
    assert response.status_code == 400
    assert words in response.content.decode()
    assert "Back to sign-in" in response.content.decode()
    assert not User.objects.filter(email="alice@corp.example").exists()
    assert "_auth_user_id" not in client.session


def test_a_tampered_state_is_refused_and_no_user_is_made(client, sso):
    start = client.get("/accounts/sso/start/")
    back = sso.sign_in(start["Location"], "alice", BACK)
    tampered = back.replace("state=", "state=x")
    response = client.get(tampered.removeprefix("http://testserver"))
    assert response.status_code == 400
    assert "not started from this browser" in response.content.decode()
    assert not User.objects.exists()


def test_a_callback_used_twice_is_refused_the_second_time(client, sso):
    start = client.get("/accounts/sso/start/")
    back = sso.sign_in(start["Location"], "alice", BACK).removeprefix("http://testserver")
    assert client.get(back).status_code == 302
    client.post("/accounts/sign-out/")
    assert client.get(back).status_code == 400


def test_the_provider_refusing_says_so(client, sso):
    client.get("/accounts/sso/start/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(
        f"/accounts/sso/callback/?error=access_denied&error_description=Nope&state={state}"
    )
    assert response.status_code == 400
    assert "Your identity provider refused: Nope" in response.content.decode()


def test_a_refusal_link_followed_while_signed_in_signs_nobody_out(client, sso):
    client.force_login(manager(email="sam@example.com"))
    before = AuditEvent.objects.count()
    response = client.get("/accounts/sso/callback/?error=access_denied")
    assert response.status_code == 400
    assert "_auth_user_id" in client.session
    assert AuditEvent.objects.count() == before + 1


def test_a_password_of_a_domain_that_requires_sso_does_not_work(client, sso):
    UserFactory(email="bob@sso-only.example")  # has the factory's password
    response = client.post(
        SIGN_IN, {"username": "bob@sso-only.example", "password": "secret-pass-123"}
    )
    assert response.status_code == 200
    assert "sso-only.example signs in with single sign-on" in response.content.decode()
    assert "_auth_user_id" not in client.session
    sign_in_with_sso(client, sso, "bob")
    assert client.session["_auth_user_id"]


def test_a_spelling_the_database_folds_to_that_domain_does_not_get_round_it(client, sso):
    UserFactory(email="bob@sso-only.example")
    # PostgreSQL's UPPER() folds the long s (ſ) to S, so this finds Bob's account.
    client.post(SIGN_IN, {"username": "bob@\u017fso-only.example", "password": "secret-pass-123"})
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session_and_offers_the_providers_sign_out(client, sso):
    sign_in_with_sso(client, sso, "alice")
    response = client.post("/accounts/sign-out/")
    assert "_auth_user_id" not in client.session
    assert response["Location"].startswith(f"{sso.issuer}/session/end?id_token_hint=")


def test_the_amr_of_the_id_token_is_kept_for_the_second_factor(client, sso):
    sso.fault("amr")
    sign_in_with_sso(client, sso, "alice")
    assert client.session["sso_amr"] == ["pwd", "mfa"]


def test_the_identity_is_pinned_to_issuer_and_subject(client, sso):
    from accounts.models import SsoIdentity

    sign_in_with_sso(client, sso, "alice")
    identity = SsoIdentity.objects.get()
    assert (identity.issuer, identity.subject) == (sso.issuer, "alice")
    assert identity.user.email == "alice@corp.example"


def test_the_same_e_mail_from_another_subject_is_refused(client, sso):
    sign_in_with_sso(client, sso, "alice")
    client.post("/accounts/sign-out/")
    sso.set_email("mallory", "alice@corp.example")
    response = sign_in_with_sso(client, sso, "mallory")
    assert response.status_code == 400
    assert "linked to another identity" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email="alice@corp.example").count() == 1


def test_the_same_subject_with_a_new_e_mail_updates_the_account(client, sso):
    sign_in_with_sso(client, sso, "alice")
    user = User.objects.get(email="alice@corp.example")
    client.post("/accounts/sign-out/")
    sso.set_email("alice", "alice.grant@corp.example")
    assert sign_in_with_sso(client, sso, "alice").status_code == 302
    user.refresh_from_db()
    assert user.email == "alice.grant@corp.example"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1


def test_a_new_e_mail_that_is_another_accounts_is_refused(client, sso):
    sign_in_with_sso(client, sso, "alice")
    client.post("/accounts/sign-out/")
    other = manager(email="taken@corp.example")
    sso.set_email("alice", "taken@corp.example")
    response = sign_in_with_sso(client, sso, "alice")
    assert response.status_code == 400 and "another Accord account" in response.content.decode()
    assert User.objects.get(pk=other.pk).email == "taken@corp.example"


def test_only_the_allowed_domains_are_linked_or_created(client, sso, settings):
    settings.ACCORD_OIDC_ALLOWED_DOMAINS = ["corp.example"]
    existing = manager(email="eve@elsewhere.example")
    sso.set_email("eve", "eve@elsewhere.example")
    response = sign_in_with_sso(client, sso, "eve")
    assert response.status_code == 400
    assert "elsewhere.example is not a domain" in response.content.decode()
    assert not existing.sso_identities.exists()
    sso.set_email("zed", "zed@other.example")
    sign_in_with_sso(client, sso, "zed")
    assert not User.objects.filter(email="zed@other.example").exists()
    assert sign_in_with_sso(client, sso, "alice").status_code == 302


def test_a_linked_person_moved_to_a_domain_not_allowed_is_refused(client, sso, settings):
    sign_in_with_sso(client, sso, "alice")
    client.post("/accounts/sign-out/")
    settings.ACCORD_OIDC_ALLOWED_DOMAINS = ["corp.example"]
    sso.set_email("alice", "alice@acquired.example")
    assert sign_in_with_sso(client, sso, "alice").status_code == 400
    assert User.objects.filter(email="alice@corp.example").exists()
