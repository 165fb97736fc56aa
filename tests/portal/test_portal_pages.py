"""What a partner contact sees and does in the portal, and where they cannot go."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communications.models import ActionItem, Concern
from objectives.models import Objective
from partnerships.models import PortalAccess
from reminders.models import Reminder

from ..communications.factories import ActionItemFactory, CheckInFactory
from ..factories import ContactFactory
from .factories import delivered_link, invite, live_partnership, sign_in_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(alice, bob):
    return live_partnership(alice, [bob], name="Northwind supply")


@pytest.fixture
def pia(partnership, bob):
    """A partner contact signed in to the portal, in her own browser."""
    access = invite(
        partnership,
        bob,
        contact=ContactFactory(organization=partnership.organization, name="Pia Lund"),
    )
    browser = Client()
    sign_in_with(browser, delivered_link(access.contact.user))
    browser.contact = access.contact
    return browser


def objective(partnership, party, title):
    return Objective.objects.create(
        partnership=partnership,
        party=party,
        category="cost_savings",
        title=title,
        success_measure="Cost per order",
        baseline=10,
        target=8,
        current=9,
    )


def test_the_portal_shows_what_is_shared_and_nothing_else(pia, partnership, alice):
    objective(partnership, "shared", "Cut cost per order together")
    objective(partnership, "ours", "Our private margin goal")
    CheckInFactory(partnership=partnership, shared=True, summary="Volumes agreed for Q1")
    CheckInFactory(partnership=partnership, shared=False, summary="Internal: they seem nervous")
    mine = ActionItemFactory(
        partnership=partnership,
        party="partner",
        owner=None,
        owner_contact=pia.contact,
        title="Send the forecast",
    )
    ActionItemFactory(partnership=partnership, title="Our own follow-up")
    response = pia.get(f"/portal/{partnership.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cut cost per order together" in body and "Volumes agreed for Q1" in body
    assert mine.title in body
    for hidden in ("Our private margin goal", "they seem nervous", "Our own follow-up", "Health"):
        assert hidden not in body


def test_a_partner_contact_marks_their_action_item_done_and_our_side_is_told(pia, partnership, bob):
    mine = ActionItemFactory(
        partnership=partnership, party="partner", owner=None, owner_contact=pia.contact
    )
    response = pia.post(f"/portal/{partnership.pk}/actions/{mine.pk}/done/", follow=True)
    assert "is done" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "done"
    assert Reminder.objects.filter(recipient=bob, kind="portal.activity").exists()
    timeline = partnership.activities.filter(kind="action_item").get()
    assert timeline.actor == pia.contact.user


def test_nobody_else_s_action_item_can_be_closed_from_the_portal(pia, partnership, alice):
    ours = ActionItemFactory(partnership=partnership)
    colleague = ActionItemFactory(
        partnership=partnership,
        party="partner",
        owner=None,
        owner_contact=ContactFactory(organization=partnership.organization),
    )
    for action in (ours, colleague):
        assert pia.post(f"/portal/{partnership.pk}/actions/{action.pk}/done/").status_code == 404
    assert set(ActionItem.objects.values_list("status", flat=True)) == {"open"}


def test_a_partner_contact_raises_a_concern_that_starts_our_clock(pia, partnership, bob):
    page = pia.get(f"/portal/{partnership.pk}/concerns/new/")
    assert page.status_code == 200
    empty = pia.post(
        f"/portal/{partnership.pk}/concerns/new/",
        {"title": "", "kind": "issue", "severity": "high"},
    )
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert not Concern.objects.exists()
    done = pia.post(
        f"/portal/{partnership.pk}/concerns/new/",
        {
            "title": "Late deliveries",
            "kind": "issue",
            "severity": "high",
            "description": "Three weeks running",
        },
    )
    assert done.status_code == 302
    concern = Concern.objects.get()
    assert concern.raised_by == "partner" and concern.created_by == pia.contact.user
    assert concern.respond_by > concern.raised_at
    assert Reminder.objects.filter(recipient=bob, kind="portal.activity").exists()
    assert "Late deliveries" in pia.get(f"/portal/{partnership.pk}/").content.decode()


def test_internal_pages_answer_404_to_a_partner_contact(pia, partnership):
    for url in (
        f"/partnerships/{partnership.pk}/",
        "/partnerships/",
        "/partnerships/export.csv",
        "/admin/",
        "/notices/",
        f"/partnerships/{partnership.pk}/people/invite/",
        "/accounts/profile/",
    ):
        assert pia.get(url).status_code == 404, url
    # Home leads to the portal rather than to a page they cannot open.
    assert pia.get("/")["Location"] == "/portal/"


def test_another_partnership_or_an_uninvited_colleague_sees_nothing(pia, partnership, alice, bob):
    other = live_partnership(alice, [bob], organization=partnership.organization)
    assert pia.get(f"/portal/{other.pk}/").status_code == 404
    colleague = ContactFactory(organization=partnership.organization)
    access = invite(other, bob, contact=colleague)
    browser = Client()
    sign_in_with(browser, delivered_link(access.contact.user))
    assert browser.get(f"/portal/{partnership.pk}/").status_code == 404
    assert browser.get(f"/portal/{other.pk}/").status_code == 200


def test_our_own_people_have_no_portal(client, partnership, bob):
    client.force_login(bob)
    assert client.get(f"/portal/{partnership.pk}/").status_code == 404
    assert client.get("/portal/").status_code == 404


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(partnership):
    response = Client().get(f"/portal/{partnership.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")


def test_last_seen_is_kept(pia, partnership):
    pia.get(f"/portal/{partnership.pk}/")
    assert PortalAccess.objects.get().last_seen_at is not None


def test_the_portal_page_runs_the_same_queries_for_3_or_30_of_everything(pia, partnership):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert pia.get(f"/portal/{partnership.pk}/").status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            objective(partnership, "shared", f"Objective {i}")
            CheckInFactory(partnership=partnership, shared=True)
            ActionItemFactory(
                partnership=partnership, party="partner", owner=None, owner_contact=pia.contact
            )

    add(3)
    count()  # the first request of the session notes when they were last seen
    few = count()
    add(27)
    assert count() == few
