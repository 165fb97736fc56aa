import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import tokens


@pytest.fixture(autouse=True)
def clean_cache():
    # Rate and bad-token counts live in the (Redis) cache: each test starts from none.
    cache.clear()
    yield
    cache.clear()


def token_for(user, *, read_only=False, **kwargs) -> str:
    return tokens.token_create(
        user=user, name=kwargs.pop("name", "test"), read_only=read_only, **kwargs
    ).secret


def api_client(secret: str | None = None, **headers) -> APIClient:
    client = APIClient(**headers)
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def bob_api(bob):
    return api_client(token_for(bob))


@pytest.fixture
def alice_api(alice):
    return api_client(token_for(alice))
