"""Personal API tokens: made on the profile, the secret shown once and kept as a hash, last use
shown, revoked at once; throttled per token and, for wrong tokens, per address; audited."""

import datetime
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from audit.models import Action, AuditEvent

from ..factories import executive
from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db
LIST = "/api/v1/partnerships/"


def test_a_user_creates_a_token_on_their_profile_and_sees_it_once(client, bob, bobs_partnership):
    client.force_login(bob)
    assert "API tokens" in client.get("/accounts/profile/").content.decode()
    page = client.post(
        "/accounts/tokens/new/", {"name": "BI export", "access": "read", "expires_on": ""}
    )
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    secret = page.context["secret"]
    assert secret.startswith("acc_") and secret in page.content.decode()
    token = ApiToken.objects.get(user=bob)
    # Only the hash is kept.
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.digest, token.name}
    # Never shown again.
    assert secret not in client.get("/accounts/tokens/").content.decode()

    response = api_client(secret).get(LIST)
    assert response.status_code == 200 and response.json()["count"] == 1
    listing = client.get("/accounts/tokens/").content.decode()
    assert "Not yet" not in listing and token.prefix in listing


def test_the_token_form_says_what_is_wrong(client, bob):
    client.force_login(bob)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = client.post(
        "/accounts/tokens/new/", {"name": "", "access": "admin", "expires_on": yesterday}
    )
    form = page.context["form"]
    assert "name" in form.errors and "access" in form.errors
    page = client.post(
        "/accounts/tokens/new/", {"name": "x", "access": "read", "expires_on": yesterday}
    )
    assert "Choose a date after today." in page.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_expires_at_the_end_of_its_day_and_then_is_refused(bob):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    secret = token_for(bob, expires_on=tomorrow)
    assert api_client(secret).get(LIST).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = api_client(secret).get(LIST)
    assert response.status_code == 401
    assert response.json()["errors"][0]["detail"] == "This token has expired."
    assert AuditEvent.objects.filter(action=Action.TOKEN_REFUSED).count() == 1


def test_revoking_takes_effect_at_once(client, bob):
    secret = token_for(bob, name="ERP")
    assert api_client(secret).get(LIST).status_code == 200
    client.force_login(bob)
    token = ApiToken.objects.get()
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    response = api_client(secret).get(LIST)
    assert response.status_code == 401
    assert response.json()["errors"][0]["detail"] == "This token was revoked."
    events = AuditEvent.objects.filter(target_type="api.apitoken").values_list("action", flat=True)
    assert set(events) >= {Action.TOKEN_CREATED, Action.TOKEN_REVOKED}


def test_nobody_revokes_someone_elses_token(client, bob, charlie):
    token_for(bob)
    client.force_login(charlie)
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_administrators_see_and_revoke_every_token_in_admin(client, bob, admin_user):
    secret = token_for(bob, name="ERP")
    client.force_login(admin_user)
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and "ERP" in listing.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    token = ApiToken.objects.get()
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert api_client(secret).get(LIST).status_code == 401
    token.refresh_from_db()
    assert token.revoked_by == admin_user


def test_last_use_is_recorded_at_most_once_a_minute(bob):
    secret = token_for(bob)
    api_client(secret, REMOTE_ADDR="203.0.113.5").get(LIST)
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "203.0.113.5"
    first = token.last_used_at
    api_client(secret).get(LIST)
    token.refresh_from_db()
    assert token.last_used_at == first


def test_a_partner_contacts_or_roleless_token_cannot_be_made(db):
    from django.core.exceptions import PermissionDenied

    from api import tokens

    nobody = executive(email="x@example.com")
    nobody.groups.clear()
    with pytest.raises(PermissionDenied):
        tokens.token_create(user=nobody, name="x")


def test_a_session_is_not_a_token(client, bob):
    # A signed-in browser gets JSON 401, not the sign-in page: the API is token-only.
    client.force_login(bob)
    response = client.get(LIST)
    assert response.status_code == 401 and response["Content-Type"] == "application/json"


def test_each_token_has_its_own_rate_with_retry_after(settings, bob):
    settings.ACCORD_API_RATE = "3/minute"
    one, other = api_client(token_for(bob, name="a")), api_client(token_for(bob, name="b"))
    assert [one.get(LIST).status_code for _ in range(3)] == [200] * 3
    refused = one.get(LIST)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert other.get(LIST).status_code == 200


def test_guessing_tokens_from_one_address_is_stopped(settings, bob):
    settings.ACCORD_API_BAD_TOKEN_LIMIT = 5
    secret = token_for(bob)
    for n in range(5):
        response = api_client(f"acc_guess{n:03d}_x", REMOTE_ADDR="198.51.100.1").get(LIST)
        assert response.status_code == 401
    refused = api_client(secret, REMOTE_ADDR="198.51.100.1").get(LIST)
    assert refused.status_code == 429 and "Retry-After" in refused
    # Another address is not held up by it.
    assert api_client(secret, REMOTE_ADDR="198.51.100.2").get(LIST).status_code == 200


def test_a_cache_that_is_down_slows_nothing_and_stops_nothing(settings, bob):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",  # production's
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    secret = token_for(bob)
    assert api_client(secret).get(LIST).status_code == 200
    assert api_client("acc_wrong_token").get(LIST).status_code == 401


def test_a_partner_contacts_session_gets_404_on_the_api(client, alice, bob):
    from ..portal.factories import delivered_link, invite, live_partnership, sign_in_with

    access = invite(live_partnership(alice, [bob]), bob)
    sign_in_with(client, delivered_link(access.contact.user))
    assert client.get(LIST).status_code == 404
    assert client.get("/accounts/tokens/").status_code == 404


def test_the_reference_page_is_linked_and_served_without_a_cdn(client, bob):
    client.force_login(bob)
    page = client.get("/api/v1/docs/").content.decode()
    assert (
        "vendor/swagger-ui/swagger-ui-bundle.js" in page
        and "https://" not in page.split("<body")[0]
    )
    schema = Client().get("/api/v1/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
