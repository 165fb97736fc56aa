"""The partner's side: an executive invites two of the partner's people; one opens her link on
a phone, marks an action item done, raises a concern, comments on another action item and
proposes a new date for it, and replies in a discussion we share, mentioning our manager; our
manager sees it all as hers, on the timeline and in his notices, and accepts the date."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communications.models import ActionItem, Concern
from partnerships.models import Stage
from tests import factories
from tests.agreements.factories import AgreementFactory, ResponsibilityFactory
from tests.communications.factories import ActionItemFactory, CheckInFactory, ThreadFactory
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
    due = timezone.localdate() + datetime.timedelta(days=5)
    counted = ActionItemFactory(partnership=partnership, title="Confirm the pallet count",
                                party="partner", owner=None, owner_contact=hannah,
                                created_by=bob, due_on=due)  # fmt: skip
    ThreadFactory(partnership=partnership, author=bob, shared=True, title="Pallet labels",
                  body="Could you print our labels?")  # fmt: skip
    ThreadFactory(partnership=partnership, author=bob, title="Internal: their margins")

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

    mobile.get_by_role("listitem").filter(has_text="Send the Q3 volume forecast").get_by_role(
        "button", name="Mark done"
    ).click()
    expect(mobile.get_by_text("is done. Thank you.")).to_be_visible()
    expect(mobile.get_by_text("Internal: their margins")).to_have_count(0)

    mobile.get_by_role("link", name="Raise a concern").first.click()
    assert_accessible(mobile)
    mobile.get_by_label("What is the concern?").fill("Pallet labels arrive wrong")
    mobile.get_by_label("Severity").select_option("high")
    mobile.get_by_role("button", name="Raise the concern").click()
    expect(mobile.get_by_text("Your concern is with us")).to_be_visible()
    screenshot(mobile, "concern-raised")
    assert Concern.objects.get().raised_by == "partner"

    # She comments on her other action item and asks for more time.
    mobile.get_by_role("link", name="Confirm the pallet count").click()
    mobile.get_by_role("textbox", name="Comment").fill(
        "The count is done for Hub 1; Hub 2 next week."
    )
    mobile.get_by_role("button", name="Send the comment").click()
    expect(mobile.get_by_text("Your comment is with us.")).to_be_visible()
    later = due + datetime.timedelta(days=10)
    mobile.get_by_label("New due date").fill(later.isoformat())
    mobile.get_by_label("Why (optional)").fill("Hub 2 is closed for inventory.")
    mobile.get_by_role("button", name="Propose the date").click()
    expect(mobile.get_by_text("Your proposal is with us")).to_be_visible()
    expect(mobile.get_by_test_id("pending-proposal")).to_contain_text("The due date moves")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(mobile, "date-proposed")
    assert_accessible(mobile)

    # And replies in the discussion we share, mentioning our manager.
    mobile.goto(f"{live_server.url}/portal/{partnership.pk}/")
    mobile.get_by_role("link", name="Pallet labels").click()
    expect(mobile.get_by_text("@[Bob Brown]")).to_be_visible()  # offered under the reply box
    mobile.get_by_label("Your reply").fill("@[Bob Brown] yes, we can print them from May.")
    mobile.get_by_role("button", name="Reply").click()
    expect(mobile.get_by_text("We told Bob Brown.")).to_be_visible()
    screenshot(mobile, "replied")
    assert_accessible(mobile)

    # Our manager sees it, as theirs, and the invitation shows as joined.
    ours = signed_in_page(bob)
    ours.goto(f"{live_server.url}/partnerships/{partnership.pk}/tab/people/")
    expect(
        ours.get_by_test_id("access-hannah@northwind.example").get_by_text("Joined")
    ).to_be_visible()
    ours.goto(f"{live_server.url}/partnerships/{partnership.pk}/timeline/")
    expect(ours.get_by_text("raised by the partner: Pallet labels arrive wrong")).to_be_visible()
    expect(ours.get_by_text("Hannah Berg of Northwind Logistics commented on")).to_be_visible()
    expect(ours.get_by_text("Hannah Berg of Northwind Logistics replied in")).to_be_visible()
    expect(ours.get_by_text("Northwind Logistics · partner").first).to_be_visible()
    screenshot(ours, "our-timeline")
    ours.goto(f"{live_server.url}/notices/")
    expect(
        ours.get_by_role("link", name="Hannah Berg of Northwind Logistics mentioned you in")
    ).to_be_visible()
    ours.get_by_role(
        "link", name="Hannah Berg of Northwind Logistics proposes"
    ).click()  # it leads to the action item
    expect(ours.get_by_text("A new due date is proposed")).to_be_visible()
    expect(ours.get_by_text("Hub 2 is closed for inventory.")).to_be_visible()
    expect(ours.get_by_text("The count is done for Hub 1")).to_be_visible()
    screenshot(ours, "proposal-on-our-side")
    assert_accessible(ours)
    ours.get_by_role("button", name=f"Accept {later:%-d %b %Y}").click()
    expect(ours.get_by_text("is now due")).to_be_visible()
    counted.refresh_from_db()
    assert counted.due_on == later
    assert ActionItem.objects.get(pk=counted.pk).proposals.get().status == "accepted"

    # She sees the answer.
    mobile.goto(f"{live_server.url}/portal/{partnership.pk}/actions/{counted.pk}/")
    expect(mobile.get_by_text(f"due {later:%-d %b %Y}").first).to_be_visible()
    expect(mobile.get_by_text("accepted")).to_be_visible()

    # A second use of the link signs nobody in, and says what to do.
    again = new_context().new_page()
    again.goto(live_server.url + link)
    expect(again.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert_accessible(again)
