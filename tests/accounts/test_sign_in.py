import pytest
from django.contrib.auth.models import Group

from accounts import roles

from ..factories import UserFactory, executive

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def test_the_roles_are_groups_made_by_a_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


def test_it_signs_in_with_e_mail_and_password_whatever_the_case(client):
    user = executive(email="olivia@example.com")
    response = client.post(
        SIGN_IN, {"username": "Olivia@Example.com", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_says_so_and_keeps_the_e_mail(client):
    executive(email="olivia@example.com")
    response = client.post(SIGN_IN, {"username": "olivia@example.com", "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "do not match an active account" in body
    assert 'value="olivia@example.com"' in body


def test_the_session_is_renewed_at_sign_in(client):
    executive(email="olivia@example.com")
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    client.post(SIGN_IN, {"username": "olivia@example.com", "password": "secret-pass-123"})
    assert client.session.session_key != before


def test_repeated_failures_lock_the_account_out_for_a_while(client):
    executive(email="olivia@example.com")
    for _ in range(5):
        client.post(SIGN_IN, {"username": "olivia@example.com", "password": "wrong"})
    response = client.post(
        SIGN_IN, {"username": "olivia@example.com", "password": "secret-pass-123"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_takes_a_post(client):
    client.force_login(executive())
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get("/partnerships/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_user_changes_their_password(client):
    user = executive()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "secret-pass-123",
            "new_password1": "a-much-longer-one-2026",
            "new_password2": "a-much-longer-one-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-one-2026")


def test_a_bad_new_password_is_refused_in_words(client):
    user = executive()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "secret-pass-123", "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("secret-pass-123")


def test_dates_are_shown_in_the_users_own_time_zone(client, bobs_partnership, bob):
    # The partnership was created "now"; in Tokyo the activity's time reads 9 hours ahead of UTC.
    activity = bobs_partnership.activities.create(kind="x", summary="Something happened")
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    client.force_login(bob)
    body = client.get(f"/partnerships/{bobs_partnership.pk}/").content.decode()
    tokyo = activity.at.astimezone(bob.tzinfo)
    assert tokyo.strftime("%H:%M") in body
    assert "times shown in Asia/Tokyo" in body


def test_a_user_sets_their_time_zone_and_an_unknown_one_is_refused(client):
    user = executive()
    client.force_login(user)
    response = client.post("/accounts/profile/", {"full_name": "O G", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        "/accounts/profile/", {"full_name": "O G", "time_zone": "America/New_York"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "America/New_York"


def test_only_administrators_reach_django_admin(client, admin_user):
    client.force_login(executive())
    assert client.get("/admin/").status_code == 302  # to admin's own sign-in
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_administrators_grant_roles_in_admin(client, admin_user):
    client.force_login(admin_user)
    user = UserFactory(email="new@example.com", full_name="New Person")
    manager_role = Group.objects.get(name=roles.PARTNER_MANAGER)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": user.email,
            "full_name": user.full_name,
            "time_zone": "UTC",
            "groups": [manager_role.pk],
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_partner_manager


def test_an_sso_only_person_has_no_password_to_change(client, sso, settings):
    from ..factories import manager as make_manager

    made_by_sso = make_manager(email="nopass@corp.example")
    made_by_sso.set_unusable_password()
    made_by_sso.save()
    required = make_manager(email="bob@sso-only.example")
    for user in (made_by_sso, required):
        client.force_login(user)
        assert "Change password" not in client.get("/accounts/profile/").content.decode()
        assert client.get("/accounts/password/")["Location"] == "/accounts/profile/"
        response = client.post(
            "/accounts/password/",
            {
                "old_password": "x",
                "new_password1": "n3w-pass-word!",
                "new_password2": "n3w-pass-word!",
            },
        )
        assert response["Location"] == "/accounts/profile/"
    required.refresh_from_db()
    assert required.check_password("secret-pass-123")
    with_password = make_manager(email="pat@example.com")
    client.force_login(with_password)
    assert "Change password" in client.get("/accounts/profile/").content.decode()
    assert client.get("/accounts/password/").status_code == 200
