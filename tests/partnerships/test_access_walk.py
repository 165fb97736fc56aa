import pytest

from ..access import OBJECT_MAKERS, partnership_routes
from ..factories import administrator, executive

pytestmark = pytest.mark.django_db

ROUTES = partnership_routes()


def test_every_route_with_arguments_is_classified():
    for route in ROUTES:
        assert "partnership_pk" in route.arguments, (
            f"{route.name} takes {route.arguments} but names no partnership: nest it under "
            "partnerships/<int:partnership_pk>/ or list it in tests/access.py"
        )
        for argument in route.arguments:
            assert argument == "partnership_pk" or argument in OBJECT_MAKERS, (
                f"{route.name}: teach tests/access.py how to make a “{argument}”"
            )


def _url(route, partnership):
    values = {"partnership_pk": partnership.pk}
    for argument in route.arguments:
        if argument != "partnership_pk":
            values[argument] = OBJECT_MAKERS[argument](partnership)
    return route.url(values)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_an_outsider_gets_404_on_every_partnership_url(client, route, bobs_partnership, charlie):
    client.force_login(charlie)
    url = _url(route, bobs_partnership)
    assert client.get(url).status_code == 404, url
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, url
    assert client.post(url, {"to_stage": "ended", "note": "x"}).status_code == 404, url
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == "defining"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_users_without_a_partnership_role_get_404_too(client, route, bobs_partnership):
    for user in (administrator(), executive(is_active=False)):
        client.force_login(user)
        url = _url(route, bobs_partnership)
        assert client.get(url).status_code in (302, 404), url


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_the_manager_and_any_executive_reach_every_partnership_url(
    client, route, bobs_partnership, bob
):
    for user in (bob, executive()):
        client.force_login(user)
        url = _url(route, bobs_partnership)
        assert client.get(url).status_code in (200, 405), url
