import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX, SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_session_is_read_from_the_cache_and_from_the_database_without_it(
    django_assert_num_queries,
):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    again = SessionStore(store.session_key)
    with django_assert_num_queries(0):
        assert again["answer"] == 42
    cache.delete(KEY_PREFIX + store.session_key)
    without_cache = SessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert without_cache["answer"] == 42
    assert without_cache.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    cache.delete(KEY_PREFIX + store.session_key)  # its timeout in the cache ends with it
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_signing_in_and_out_goes_through_this_store(client, bob):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(bob)
    key = client.session.session_key
    assert client.get("/partnerships/").status_code == 200
    assert cache.get(KEY_PREFIX + key)
    client.post("/accounts/sign-out/")
    assert not Session.objects.filter(pk=key).exists()
    assert cache.get(KEY_PREFIX + key) is None
    response = client.get("/partnerships/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_a_session_past_its_expiry_signs_the_user_out(client, bob):
    client.force_login(bob)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    cache.delete(KEY_PREFIX + client.session.session_key)  # the cache's timeout, run out
    response = client.get("/partnerships/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_an_inactive_user_is_signed_out_on_the_next_request(client, bob):
    client.force_login(bob)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert client.get("/partnerships/").status_code == 302
