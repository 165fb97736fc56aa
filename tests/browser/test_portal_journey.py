"""The partner's side: an executive invites two of the partner's people; one opens her link on
a phone, marks her action item done and raises a concern, which our manager sees at once."""

import datetime

import pytest
from playwright.sync_api import expect

from communications.models import Concern
from partnerships.models import Stage
from tests import factories
from tests.agreements.factories import AgreementFactory, ResponsibilityFactory
from tests.communications.factories import ActionItemFactory, CheckInFactory
from tests.portal.factories import delivered_link

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_the_partner_takes_part_through_the_portal(
    signed_in_page, new_context, live_server, screenshot, alice, bob
):
    org = factories.OrganizationFactory(name="Northwind Logistics")
    hannah = factories.ContactFactory(
        organization=org,
        name="Hannah Berg",
        title="VP Partnerships",
        email="hannah@northwind.example",
    )
    partnership = factories.PartnershipFactory(
        name="Northwind supply", organization=org, executive_sponsor=alice, managers=[bob],
        stage=Stage.ACTIVE,
    )  # fmt: skip
    agreement = AgreementFactory(
        partnership=partnership,
        status="signed",
        signed_on=datetime.date(2026, 1, 1),
        signed_by=alice,
    )
    ResponsibilityFactory(agreement=agreement, party="partner", area="Fulfilment",
                          accountable_user=None, accountable_contact=hannah)  # fmt: skip
    CheckInFactory(
        partnership=partnership, shared=True, summary="Q1 volumes agreed: 12,000 pallets."
    )
    CheckInFactory(partnership=partnership, shared=False, summary="Internal: pricing pressure.")
    ActionItemFactory(partnership=partnership, title="Send the Q3 volume forecast",
                      party="partner", owner=None, owner_contact=hannah)  # fmt: skip

    # Our executive invites an existing contact and someone new.
    page = signed_in_page(alice)
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/tab/people/")
    expect(page.get_by_text("Nobody from Northwind Logistics is invited yet")).to_be_visible()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Contact of the partner").select_option(
        label="Hannah Berg, VP Partnerships · hannah@northwind.example"
    )
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Hannah Berg is invited")).to_be_visible()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Name").fill("Jonas Weber")
    page.get_by_label("E-mail").fill("jonas@northwind.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Jonas Weber is invited")).to_be_visible()
    screenshot(page, "invited")
    assert_accessible(page)

    # Hannah opens her link on her phone.
    hannah.refresh_from_db()
    link = delivered_link(hannah.user)
    phone = new_context()
    mobile = phone.new_page()
    mobile.set_viewport_size(PHONE)
    mobile.goto(live_server.url + link)
    assert_accessible(mobile)
    mobile.get_by_role("button", name="Continue to the portal").click()
    expect(mobile.get_by_role("heading", name="Northwind supply")).to_be_visible()
    expect(mobile.get_by_text("Q1 volumes agreed")).to_be_visible()
    expect(mobile.get_by_text("pricing pressure")).to_have_count(0)
    # Nothing wider than the phone.
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(mobile, "portal-on-a-phone")
    assert_accessible(mobile)

    mobile.get_by_role("button", name="Mark done").click()
    expect(mobile.get_by_text("is done. Thank you.")).to_be_visible()

    mobile.get_by_role("link", name="Raise a concern").first.click()
    assert_accessible(mobile)
    mobile.get_by_label("What is the concern?").fill("Pallet labels arrive wrong")
    mobile.get_by_label("Severity").select_option("high")
    mobile.get_by_role("button", name="Raise the concern").click()
    expect(mobile.get_by_text("Your concern is with us")).to_be_visible()
    screenshot(mobile, "concern-raised")
    assert Concern.objects.get().raised_by == "partner"

    # Our manager sees it, as theirs, and the invitation shows as joined.
    ours = signed_in_page(bob)
    ours.goto(f"{live_server.url}/partnerships/{partnership.pk}/tab/people/")
    expect(
        ours.get_by_test_id("access-hannah@northwind.example").get_by_text("Joined")
    ).to_be_visible()
    ours.goto(f"{live_server.url}/partnerships/{partnership.pk}/timeline/")
    expect(ours.get_by_text("raised by the partner: Pallet labels arrive wrong")).to_be_visible()
    screenshot(ours, "our-timeline")

    # A second use of the link signs nobody in, and says what to do.
    again = new_context().new_page()
    again.goto(live_server.url + link)
    expect(again.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert_accessible(again)
