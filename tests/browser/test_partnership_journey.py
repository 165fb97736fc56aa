"""An executive starts a partnership from nothing; its managers, and only they, can open it."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from objectives.models import Category
from objectives.services import objective_create
from partnerships.models import Partnership, Stage
from tests import factories

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"  # what UserFactory gives everyone


def test_an_executive_starts_a_partnership_that_only_its_managers_can_open(
    page: Page, signed_in_page, screenshot, alice, bob, charlie
):
    factories.PartnershipFactory(
        name="Contoso research", stage=Stage.ACTIVE, executive_sponsor=alice
    )

    page.goto("/accounts/sign-in/")
    expect(page.get_by_role("heading", name="Sign in to Accord")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "sign-in")
    page.get_by_label("E-mail").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Home is the portfolio dashboard.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "signed-in")

    create_organization(page, screenshot)
    partnership = create_partnership(page, screenshot, alice=alice, bob=bob)
    find_it_in_the_list(page, screenshot)

    page.get_by_role("table", name="Partnerships").get_by_role(
        "link", name="Northwind supply"
    ).click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{partnership.pk}/$"))
    expect(page.get_by_role("heading", name="Northwind supply")).to_be_visible()
    expect(page.get_by_role("region", name="Lifecycle")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "workspace")

    outsider = signed_in_page(charlie)
    outsider.goto(f"/partnerships/{partnership.pk}/")
    expect(outsider.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(outsider.get_by_text("Northwind supply")).to_have_count(0)
    screenshot(outsider, "outsider-gets-404")

    its_manager = signed_in_page(bob)
    its_manager.goto(f"/partnerships/{partnership.pk}/")
    expect(its_manager.get_by_role("heading", name="Northwind supply")).to_be_visible()
    expect(its_manager.get_by_role("region", name="Lifecycle")).to_be_visible()
    screenshot(its_manager, "manager-sees-it")


def test_a_manager_moves_the_stage_from_the_workspace(
    signed_in_page, screenshot, bob, bobs_partnership
):
    # The gate to "Choosing the partner": one of our objectives has a measurable target.
    objective_create(
        partnership=bobs_partnership,
        by=bob,
        category=Category.COST_SAVINGS,
        title="Cut freight cost per order",
        baseline=Decimal("4.20"),
        target=Decimal("3.50"),
        unit="€",
        due_date=datetime.date(2026, 12, 31),
    )
    page = signed_in_page(bob)
    page.goto(bobs_partnership.get_absolute_url())
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text("Defining objectives")
    history = page.get_by_role("region", name="Stage history")
    expect(history).to_contain_text("No stage moves yet")
    screenshot(page, "before-the-move")

    page.get_by_role("button", name="Move to Choosing the partner").click()

    expect(page.get_by_role("alert")).to_contain_text("Moved to “Choosing the partner”.")
    expect(title.locator(".stage-badge")).to_have_text("Choosing the partner")
    rows = history.get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the move
    expect(rows.nth(1)).to_contain_text("Defining objectives → Choosing the partner")
    expect(rows.nth(1)).to_contain_text("Bob Brown")
    assert_accessible(page)
    screenshot(page, "after-the-move")


def create_organization(page: Page, screenshot) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    # The empty list offers a second "New organization" link; either will do.
    page.get_by_role("link", name="New organization").first.click()
    expect(page.get_by_role("heading", name="New organization")).to_be_visible()
    page.get_by_label("Name").fill("Northwind Trading")
    page.get_by_label("Website").fill("https://northwind.example")
    page.get_by_label("Industry").fill("Logistics")
    page.get_by_label("Region").fill("Europe")
    page.get_by_label("Size").select_option(label="Medium (250–999)")
    page.get_by_label("Notes").fill("Met at the Hamburg freight fair.")
    assert_accessible(page)
    screenshot(page, "organization-form")

    page.get_by_role("button", name="Create organization").click()

    expect(page.get_by_role("heading", name="Northwind Trading")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("“Northwind Trading” is added.")
    screenshot(page, "organization-created")


def create_partnership(page: Page, screenshot, *, alice, bob) -> Partnership:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partnerships").click()
    page.get_by_role("link", name="New partnership").click()
    expect(page.get_by_role("heading", name="New partnership")).to_be_visible()
    page.get_by_label("Name").fill("Northwind supply")
    page.get_by_label("Type").select_option(label="Supply")
    page.get_by_label("Tier").select_option(label="Tier 1 · strategic")
    page.get_by_label("Description").fill("A second source for the spring range.")
    expect(page.get_by_label("Executive sponsor")).to_have_value(str(alice.pk))
    page.get_by_label("Managers").select_option(label="Bob Brown")
    page.get_by_label("Organization").select_option(label="Northwind Trading")
    page.get_by_label("Start date").fill("2025-03-01")
    page.get_by_label("Check in cadence").select_option(label="Monthly check-in")
    page.get_by_label("Review cadence").select_option(label="Quarterly business review")
    assert_accessible(page)
    screenshot(page, "partnership-form")

    page.get_by_role("button", name="Create partnership").click()

    expect(page.get_by_role("heading", name="Northwind supply")).to_be_visible()
    screenshot(page, "partnership-created")
    partnership = Partnership.objects.get(name="Northwind supply")
    assert list(partnership.managers.all()) == [bob]
    assert partnership.organization.name == "Northwind Trading"
    return partnership


def find_it_in_the_list(page: Page, screenshot) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partnerships").click()
    table = page.get_by_role("table", name="Partnerships")
    expect(table.get_by_role("link", name="Contoso research")).to_be_visible()

    # Choosing a stage submits the filter form by itself (static/js/app.js).
    page.get_by_label("Stage").select_option(label="Defining objectives")
    expect(page).to_have_url(re.compile(r"stage=defining"))
    expect(table.get_by_role("link", name="Northwind supply")).to_be_visible()
    expect(table.get_by_role("link", name="Contoso research")).to_have_count(0)

    page.get_by_label("Search").fill("northwind")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"q=northwind.*stage=defining"))
    expect(table.get_by_role("row")).to_have_count(2)  # the header and Northwind supply
    assert_accessible(page)
    screenshot(page, "list-filtered")
