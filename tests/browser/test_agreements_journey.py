"""An executive drafts an agreement, completes it, uploads the signed PDF and signs it: the
partnership goes active with its due dates set. A partner manager cannot sign."""

import re

import pytest
from playwright.sync_api import Page, expect

from agreements.demo import demo_pdf
from agreements.models import Agreement, Status
from partnerships.models import Partnership, Stage
from reminders.models import Cadence
from tests import factories

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agreeing(alice, bob) -> Partnership:
    organization = factories.OrganizationFactory(name="Northwind Logistics")
    factories.ContactFactory(organization=organization, name="Hannah Berg", title="VP Partnerships")
    return factories.PartnershipFactory(
        name="Northwind supply",
        stage=Stage.AGREEING,
        organization=organization,
        executive_sponsor=alice,
        managers=[bob],
    )


def test_an_executive_drafts_completes_and_signs_an_agreement_that_a_manager_cannot_sign(
    signed_in_page, screenshot, tmp_path, alice, bob, agreeing
):
    page = signed_in_page(alice)
    page.goto(f"/partnerships/{agreeing.pk}/")
    page.get_by_role("link", name="Agreement", exact=True).click()
    expect(page.get_by_text("No agreement yet")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "empty-tab")

    page.get_by_role("link", name="Draft the agreement").click()
    expect(page.get_by_role("heading", name="Draft the agreement")).to_be_visible()
    page.get_by_label("Effective date").fill("2026-04-01")
    page.get_by_label("Expiry date").fill("2026-03-01")
    page.get_by_label("Notice period (days)").fill("60")
    page.get_by_label("Summary of commercial terms").fill("€2.10 per parcel; 98% next-day.")
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_text("The expiry date must come after the effective date.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "dates-refused")
    page.get_by_label("Expiry date").fill("2029-03-31")
    page.get_by_role("button", name="Start the draft").click()

    expect(page.get_by_role("heading", name="Before it can be signed")).to_be_visible()
    expect(page.get_by_text("Add at least one responsibility of ours.")).to_be_visible()
    agreement = Agreement.objects.get(partnership=agreeing)
    assert agreement.status == Status.DRAFT

    add_responsibility(page, party="Us", area="Forecasts", who=("user", "Bob Brown"))
    add_responsibility(
        page, party="Partner", area="Fulfilment", who=("contact", "Hannah Berg, VP Partnerships")
    )
    screenshot(page, "responsibilities")

    page.get_by_role("link", name="Write the plan").click()
    page.get_by_label("Check-in cadence").select_option(label="Monthly check-in")
    page.get_by_label("Review cadence").select_option(label="Quarterly business review")
    page.get_by_label("Video call").check()
    page.get_by_label("In person").check()
    page.get_by_label("Our lead").select_option(label="Bob Brown")
    page.get_by_label("Partner's lead").select_option(label="Hannah Berg, VP Partnerships")
    page.get_by_label("What is reported").fill("Volumes and service levels")
    page.get_by_label("Reported how often").select_option(label="Monthly")
    assert_accessible(page)
    screenshot(page, "plan-form")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Communication plan saved.")).to_be_visible()

    add_step(page, mechanism="Managers negotiate", our_role="Partner manager", days="10")
    add_step(page, mechanism="Executive escalation", our_role="COO", days="15")
    ladder = page.get_by_role("region", name="Dispute-resolution ladder")
    expect(ladder.get_by_text("10 days to resolve before it goes to level 2.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ready to sign")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "ready-to-sign")

    signed_pdf = tmp_path / "Northwind agreement (signed).pdf"
    signed_pdf.write_bytes(demo_pdf("Northwind agreement"))
    page.get_by_role("link", name="Upload the signed document").click()
    page.get_by_label("Signed document").set_input_files(str(signed_pdf))
    assert_accessible(page)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The document is uploaded.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Northwind agreement (signed).pdf").click()
    assert download.value.suggested_filename == "Northwind agreement (signed).pdf"

    manager = signed_in_page(bob)
    manager.goto(agreement.get_absolute_url())
    expect(manager.get_by_role("heading", name="Ready to sign")).to_be_visible()
    expect(manager.get_by_role("link", name="Sign", exact=True)).to_have_count(0)
    manager.goto(agreement.get_absolute_url() + "sign/")
    expect(manager.get_by_text("Only an executive can sign an agreement.")).to_be_visible()
    expect(manager.get_by_label("Date signed")).to_have_count(0)
    assert_accessible(manager)
    screenshot(manager, "manager-cannot-sign")

    page.get_by_role("link", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Sign version 1")).to_be_visible()
    page.get_by_label("Signed for us by").fill("Alice Ashby, COO")
    page.get_by_label("Signed for the partner by").fill("Hannah Berg, VP Partnerships")
    assert_accessible(page)
    screenshot(page, "sign-form")
    page.get_by_role("button", name="Sign the agreement").click()
    expect(
        page.get_by_text(re.compile(r"Version 1 is signed\. The partnership is “Active”"))
    ).to_be_visible()
    expect(page.get_by_text("Version 1 is signed: it is a record")).to_be_visible()
    expect(page.get_by_role("link", name="Edit terms")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "signed")

    agreeing.refresh_from_db()
    monthly = Cadence.objects.get(name="Monthly check-in")
    quarterly = Cadence.objects.get(name="Quarterly business review")
    assert agreeing.stage == Stage.ACTIVE
    assert (agreeing.check_in_cadence, agreeing.review_cadence) == (monthly, quarterly)
    assert agreeing.next_check_in_due is not None and agreeing.next_review_due is not None

    page.goto(f"/partnerships/{agreeing.pk}/")
    expect(page.get_by_role("heading", name="Northwind supply")).to_contain_text("Active")
    page.get_by_role("link", name="Agreement", exact=True).click()
    expect(page.get_by_role("heading", name="Dispute-resolution ladder")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "tab-signed")

    page.get_by_role("link", name="Agreements", exact=True).click()
    table = page.get_by_role("table", name="Agreements")
    expect(table.get_by_role("link", name="Northwind supply")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "list")


def add_responsibility(page: Page, *, party: str, area: str, who: tuple[str, str]) -> None:
    page.get_by_role("link", name="Add a responsibility").click()
    page.get_by_label("Party").select_option(label=party)
    page.get_by_label("Area").fill(area)
    page.get_by_label("What is contributed or expected").fill(f"{area}, every week.")
    kind, name = who
    if kind == "user":
        page.get_by_label("Accountable (our side)").select_option(label=name)
    else:
        page.get_by_label("Accountable (partner contact)").select_option(label=name)
    page.get_by_role("button", name="Save responsibility").click()
    expect(page.get_by_text("Responsibility added.")).to_be_visible()


def add_step(page: Page, *, mechanism: str, our_role: str, days: str) -> None:
    page.get_by_role("link", name="Add a step").click()
    page.get_by_label("Mechanism").select_option(label=mechanism)
    page.get_by_label("Our side (role)").fill(our_role)
    page.get_by_label("Partner's side (role)").fill("Account director")
    page.get_by_label("Days to respond").fill(days)
    page.get_by_role("button", name="Save step").click()
    expect(page.get_by_text("Step added to the ladder.")).to_be_visible()
