"""A partner manager removes a contact who left the partner: the page says where she is still
named, and he hands her part to her successor in one step."""

import pytest
from playwright.sync_api import expect

from agreements.models import Party
from communications.models import ActionItem
from partnerships.models import Contact, Stage
from tests import factories
from tests.agreements.factories import (
    AgreementFactory,
    EscalationStepFactory,
    ResponsibilityFactory,
)
from tests.communications.factories import ActionItemFactory

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_who_left_hands_her_part_to_her_successor(
    signed_in_page, live_server, screenshot, alice, bob
):
    org = factories.OrganizationFactory(name="Northwind Logistics")
    hannah = factories.ContactFactory(organization=org, name="Hannah Berg", title="VP Partnerships")
    factories.ContactFactory(organization=org, name="Jon Reyes", title="Head of Alliances")
    partnership = factories.PartnershipFactory(
        name="Northwind supply", organization=org, executive_sponsor=alice, managers=[bob],
        stage=Stage.AGREEING,
    )  # fmt: skip
    action = ActionItemFactory(partnership=partnership, title="Send the Q3 volume forecast",
                               party="partner", owner=None, owner_contact=hannah)  # fmt: skip
    agreement = AgreementFactory(partnership=partnership)
    ResponsibilityFactory(agreement=agreement, party=Party.PARTNER, area="Fulfilment",
                          accountable_user=None, accountable_contact=hannah)  # fmt: skip
    EscalationStepFactory(agreement=agreement, level=1, partner_person=hannah)

    page = signed_in_page(bob)
    page.goto(f"{live_server.url}/organizations/{org.pk}/")
    page.get_by_role("link", name="Remove Hannah Berg").click()
    expect(page.get_by_role("heading", name="Remove Hannah Berg")).to_be_visible()
    expect(page.get_by_text("3 places still name them")).to_be_visible()
    expect(page.get_by_role("link", name="Owner of the action item “Send the Q3")).to_be_visible()
    screenshot(page, "where-she-is-named")
    assert_accessible(page)

    page.get_by_role("combobox", name="Hand their part to").select_option(
        label="Jon Reyes, Head of Alliances"
    )
    page.get_by_role("button", name="Hand over and remove").click()
    expect(
        page.get_by_text("3 places handed to Jon Reyes; Hannah Berg is removed.")
    ).to_be_visible()
    screenshot(page, "handed-over")
    assert not Contact.objects.filter(pk=hannah.pk).exists()
    assert ActionItem.objects.get(pk=action.pk).owner_contact.name == "Jon Reyes"
