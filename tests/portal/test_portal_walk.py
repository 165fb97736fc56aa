"""The portal's access walk: every portal URL answers only a partner contact invited to that
partnership, and a partner contact gets 404 on every other URL of the project (found from the
URL patterns, so a page added later is covered without anyone remembering)."""

import pytest
from django.test import Client

from ..access import OBJECT_MAKERS, every_route, is_portal, portal_routes
from ..factories import ContactFactory
from .factories import delivered_link, invite, live_partnership, sign_in_with
from .walk import PORTAL_OWN_OBJECTS, ROUTE_ARGUMENTS

pytestmark = pytest.mark.django_db

PORTAL = portal_routes()
INTERNAL = [r for r in every_route() if not is_portal(r) and r.name not in {"accounts:logout"}]


def _url(route, partnership, contact_user=None) -> str:
    if route.name in PORTAL_OWN_OBJECTS:
        # Their own action item, a shared discussion: what the invited contact may open.
        return route.url(ROUTE_ARGUMENTS[route.name](partnership, contact_user))
    values = {}
    for argument in route.arguments:
        if argument == "partnership_pk":
            values[argument] = partnership.pk
        elif argument in OBJECT_MAKERS:
            values[argument] = OBJECT_MAKERS[argument](partnership)
        else:
            values[argument] = 1
    return route.url(values)


def _signed_in(partnership, by, contact=None) -> Client:
    access = invite(partnership, by, **({"contact": contact} if contact else {}))
    browser = Client()
    sign_in_with(browser, delivered_link(access.contact.user))
    return browser


@pytest.fixture
def partnership(alice, bob):
    return live_partnership(alice, [bob])


def test_there_are_portal_routes_to_walk():
    assert {"portal:partnership", "portal:action_done", "portal:concern_create"} <= {
        r.name for r in PORTAL
    }


@pytest.mark.parametrize("route", PORTAL, ids=lambda r: r.name)
def test_only_a_contact_invited_to_the_partnership_reaches_its_portal_urls(
    route, partnership, alice, bob
):
    invited = _signed_in(partnership, bob)
    url = _url(route, partnership, partnership.portal_accesses.get().contact.user)
    assert invited.get(url).status_code in (200, 405), url

    elsewhere = live_partnership(alice, [bob])
    of_another_partnership = _signed_in(elsewhere, bob)
    same_organisation = _signed_in(
        live_partnership(alice, [bob], organization=partnership.organization),
        bob,
        contact=ContactFactory(organization=partnership.organization),
    )
    ours = Client()
    ours.force_login(bob)
    for browser in (of_another_partnership, same_organisation, ours):
        assert browser.get(url).status_code == 404, url
        assert (
            browser.post(url, {"title": "x", "severity": "high", "kind": "issue"}).status_code
            == 404
        ), url


def test_a_revoked_contact_reaches_none_of_them(partnership, alice, bob):
    from portal import services

    browser = _signed_in(partnership, bob)
    # A second partnership keeps the session alive, so the revoked one is what is tested.
    second = live_partnership(alice, [bob], organization=partnership.organization)
    contact = partnership.portal_accesses.get().contact
    invite(second, bob, contact=contact)
    services.revoke(access=partnership.portal_accesses.get(), by=bob)
    for route in PORTAL:
        url = _url(route, partnership, contact.user)
        assert browser.get(url).status_code == 404, route.name


@pytest.mark.parametrize("route", INTERNAL, ids=lambda r: r.name)
def test_a_partner_contact_gets_404_on_every_internal_url(route, partnership, bob):
    browser = _signed_in(partnership, bob)
    url = _url(route, partnership)
    if url == "/":
        assert browser.get(url)["Location"] == "/portal/"
        return
    assert browser.get(url).status_code == 404, url
    assert browser.post(url, {"to_stage": "ended", "note": "x"}).status_code == 404, url


def test_the_admin_is_closed_to_a_partner_contact(partnership, bob):
    browser = _signed_in(partnership, bob)
    for url in ("/admin/", "/admin/partnerships/partnership/", "/admin/login/"):
        assert browser.get(url).status_code == 404, url
