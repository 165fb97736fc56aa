"""The API's access walk, from the schema itself, so an endpoint added later is walked without
anyone remembering: another manager's partnership is a 404 on every operation under it, a
read-only token a 403 on every write, and a revoked, expired, wrong or missing token a 401
(never a redirect to the sign-in page)."""

import datetime
import re

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from api.models import ApiToken

from ..communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from ..factories import PartnershipFactory, manager
from ..reviews.factories import KPIFactory, ReviewFactory
from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db
WRITES = {"post", "put", "patch", "delete"}


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in WRITES | {"get"}
    ]
    assert len(found) > 25, found  # the walk walks something
    return found


OPERATIONS = operations()


def fill(path: str, partnership, objects: dict) -> str:
    def value(match):
        name = match.group(1)
        top = name == "id" and path.startswith("/api/v1/partnerships/{id}")
        if name == "partnership_pk" or top:
            return str(partnership.pk)
        return str(objects.get(_resource(path), 999999))

    return re.sub(r"\{(\w+)\}", value, path)


def _resource(path: str) -> str:
    parts = [p for p in path.split("/") if p and not p.startswith("{")]
    return parts[-1] if parts[-1] not in ("close", "acknowledge", "resolve", "move") else parts[-2]


@pytest.fixture
def others(alice, bob):
    """Charlie's partnership, with one of everything in it."""
    charlie = manager(email="charlie.walk@example.com")
    partnership = PartnershipFactory(executive_sponsor=alice, managers=[charlie])
    kpi = KPIFactory(partnership=partnership)
    check_in = CheckInFactory(partnership=partnership)
    action = ActionItemFactory(partnership=partnership)
    concern = ConcernFactory(partnership=partnership)
    review = ReviewFactory(partnership=partnership)
    objects = {
        "kpis": kpi.pk,
        "measurements": kpi.pk,
        "check-ins": check_in.pk,
        "action-items": action.pk,
        "concerns": concern.pk,
        "reviews": review.pk,
    }
    return partnership, objects


def _call(client, method, path):
    return getattr(client, method)(path, {}, format="json")


def _under_a_partnership(path: str) -> bool:
    return path.startswith("/api/v1/partnerships/{")


@pytest.mark.parametrize("method,path", [op for op in OPERATIONS if _under_a_partnership(op[1])])
def test_another_managers_partnership_is_not_found(method, path, bob, others):
    partnership, objects = others
    response = _call(api_client(token_for(bob)), method, fill(path, partnership, objects))
    assert response.status_code == 404, (response.status_code, response.content[:300])
    assert response.json()["type"] == "client_error"


@pytest.mark.parametrize("method,path", [op for op in OPERATIONS if op[0] in WRITES])
def test_a_read_only_token_is_refused_every_write(method, path, bob, bobs_partnership):
    response = _call(
        api_client(token_for(bob, read_only=True)), method, fill(path, bobs_partnership, {})
    )
    assert response.status_code == 403, (response.status_code, response.content[:300])
    assert "read-only" in response.json()["errors"][0]["detail"]


def _revoked(user) -> str:
    secret = token_for(user, name="old")
    ApiToken.objects.filter(user=user, name="old").update(revoked_at=timezone.now())
    return secret


def _expired(user) -> str:
    secret = token_for(user, name="expired")
    ApiToken.objects.filter(user=user, name="expired").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    return secret


@pytest.mark.parametrize("method,path", OPERATIONS)
@pytest.mark.parametrize("token", ["none", "revoked", "expired", "wrong", "malformed"])
def test_no_valid_token_is_a_401_never_a_redirect(method, path, token, bob, bobs_partnership):
    secret = {
        "none": lambda: None,
        "revoked": lambda: _revoked(bob),
        "expired": lambda: _expired(bob),
        "wrong": lambda: "acc_abcdefgh_" + "x" * 43,
        "malformed": lambda: "acc_\x00 two parts",
    }[token]()
    client = api_client(secret)
    response = _call(client, method, fill(path, bobs_partnership, {}))
    assert response.status_code == 401, (response.status_code, response.content[:300])
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response
