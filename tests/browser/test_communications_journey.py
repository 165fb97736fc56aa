"""A partner manager logs a check-in from the workspace in the quick-log modal, with two action
items and a concern; a bad date is refused inside the modal; the next due date moves and the
concern shows its response clock; the executive sees it all on the timeline."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communications.models import ActionItem, CheckIn, Concern
from partnerships.models import Partnership, Stage
from reminders.models import Cadence
from tests import factories

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(alice, bob) -> Partnership:
    organization = factories.OrganizationFactory(name="Northwind Logistics")
    factories.ContactFactory(organization=organization, name="Hannah Berg", title="VP Partnerships")
    return factories.PartnershipFactory(
        name="Northwind supply",
        stage=Stage.ACTIVE,
        organization=organization,
        executive_sponsor=alice,
        managers=[bob],
        check_in_cadence=Cadence.objects.get(name="Monthly check-in"),
        next_check_in_due=timezone.localdate() + datetime.timedelta(days=2),
    )


def test_a_manager_logs_a_check_in_in_the_modal_and_the_executive_sees_it_on_the_timeline(
    signed_in_page, screenshot, alice, bob, live
):
    today = timezone.localdate()
    page = signed_in_page(bob)
    page.goto(f"/partnerships/{live.pk}/")
    page.get_by_role("link", name="Communication", exact=True).click()
    expect(page.get_by_text("No check-ins yet")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "empty-tab")

    page.get_by_role("link", name="Log check-in").first.click()
    modal = page.locator("#quick-log")
    expect(modal.get_by_label("Summary")).to_be_visible()
    modal.get_by_label("Date held").fill((today + datetime.timedelta(days=1)).isoformat())
    modal.locator("#id_kind").select_option(label="Meeting")
    modal.get_by_label("4 · good").check()
    modal.get_by_label("Summary").fill("Volumes 6% above forecast; peak capacity to review.")
    modal.get_by_label("Topics").fill("volumes, capacity")
    modal.get_by_label("Bob Brown").check()
    modal.get_by_label("Hannah Berg, VP Partnerships").check()
    modal.get_by_label("Action 1").fill("Send the 6-month forecast")
    modal.locator("#id_action_1_owner").select_option(label="Bob Brown")
    modal.locator("#id_action_1_due").fill((today + datetime.timedelta(days=5)).isoformat())
    modal.get_by_label("Action 2").fill("Share the carrier incident report")
    modal.locator("#id_action_2_owner").select_option(label="Hannah Berg")
    modal.get_by_label("Concern raised").fill("Missed delivery windows at the Leipzig hub")
    modal.locator("#id_concern_severity").select_option(label="High")
    modal.get_by_role("button", name="Log the check-in").click()

    expect(modal.get_by_text("A check-in's date cannot be in the future.")).to_be_visible()
    expect(modal.get_by_label("Summary")).to_have_value(
        "Volumes 6% above forecast; peak capacity to review."
    )
    assert not CheckIn.objects.exists()
    assert_accessible(page)
    screenshot(page, "modal-error")

    modal.get_by_label("Date held").fill(today.isoformat())
    modal.get_by_role("button", name="Log the check-in").click()
    expect(page.get_by_text("logged (on time)")).to_be_visible()
    next_due = live.check_in_cadence.next_due(today)
    expect(page.get_by_test_id("next-check-in")).to_contain_text(f"{next_due.day} {next_due:%b %Y}")
    expect(
        page.get_by_role("link", name="Missed delivery windows at the Leipzig hub")
    ).to_be_visible()
    expect(page.locator(".clock").first).to_contain_text("left")
    assert ActionItem.objects.open().count() == 2
    assert Concern.objects.get().severity == "high"
    assert_accessible(page)
    screenshot(page, "tab-after")

    page.get_by_role("link", name="Missed delivery windows at the Leipzig hub").click()
    expect(page.get_by_text("to respond")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "concern")

    executive = signed_in_page(alice)
    executive.goto(f"/partnerships/{live.pk}/")
    executive.get_by_role("link", name="Full timeline").click()
    for text in (
        "Check-in logged: meeting on",
        "Action item for Bob Brown: Send the 6-month forecast",
        "Action item for Hannah Berg: Share the carrier incident report",
        "High issue raised by the partner: Missed delivery windows at the Leipzig hub",
    ):
        expect(executive.get_by_text(text)).to_be_visible()
    assert_accessible(executive)
    screenshot(executive, "timeline")
    executive.get_by_label("Show").select_option(label="Concerns")
    expect(executive.get_by_text("Check-in logged: meeting on")).to_have_count(0)
    expect(executive.get_by_text("Missed delivery windows at the Leipzig hub")).to_be_visible()

    executive.goto("/partnerships/")
    row = executive.get_by_role("row").filter(has_text="Northwind supply")
    row.get_by_role("link", name="Log check-in").click()
    expect(executive.locator("#quick-log").get_by_label("Summary")).to_be_visible()
    assert_accessible(executive)
    screenshot(executive, "list-modal")


def test_the_discussion_summary_and_my_action_items_pages_pass_axe(
    signed_in_page, screenshot, alice, bob, charlie, live
):
    from communications import services

    check_in = services.check_in_log(
        partnership=live,
        by=bob,
        held_on=timezone.localdate(),
        kind="call",
        summary="Volumes reviewed.",
        sentiment=4,
        shared=True,
        new_actions=[services.NewAction(title="Send the forecast", owner=bob)],
        concern=services.NewConcern(title="Invoices late", severity="low", raised_by="us"),
    )
    page = signed_in_page(bob)
    page.goto(f"/partnerships/{live.pk}/communication/discussion/new/?idea=1")
    page.get_by_label("Title").fill("A shared dashboard")
    page.get_by_label("Message").fill(
        "<script>alert(1)</script> **One** dashboard, @[Alice Ashby] and @[Charlie Chen]?"
    )
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Notified: Alice Ashby.")).to_be_visible()
    expect(page.get_by_text("Charlie Chen was not notified")).to_be_visible()
    expect(page.get_by_text("<script>alert(1)</script>")).to_be_visible()
    page.get_by_role("button", name="Support · 0").click()
    expect(page.get_by_role("button", name="Supported · 1")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "idea")

    # The idea becomes an opportunity in one click from its own page, and links to it after.
    idea_url = page.url
    page.get_by_role("button", name="Make it an opportunity").click()
    expect(page.get_by_role("alert")).to_contain_text("is now an opportunity")
    expect(page.get_by_label("Title")).to_have_value("A shared dashboard")
    page.goto(idea_url)
    expect(page.get_by_role("link", name="Opportunity · Idea")).to_be_visible()
    expect(page.get_by_role("button", name="Make it an opportunity")).to_have_count(0)
    screenshot(page, "idea-as-opportunity")

    for path in (
        f"/partnerships/{live.pk}/communication/shared-summary/",
        f"/partnerships/{live.pk}/communication/check-ins/",
        check_in.get_absolute_url(),
        f"/partnerships/{live.pk}/communication/concerns/",
        f"/partnerships/{live.pk}/communication/actions/",
        "/action-items/",
    ):
        page.goto(path)
        assert_accessible(page)
    expect(page.get_by_role("link", name="Send the forecast")).to_be_visible()
    screenshot(page, "my-action-items")
