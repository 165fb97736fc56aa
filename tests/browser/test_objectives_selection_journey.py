"""An executive defines the objectives of both sides and aligns them, moves on to choosing the
partner, lists three candidates; two evaluators score them; the comparison ranks them; the
executive chooses the best and the partnership moves to `agreeing`."""

import re

import pytest
from playwright.sync_api import Page, expect

from objectives.models import Alignment, Objective
from partnerships.models import Stage
from selection.models import Candidate, Criterion, Score
from tests import factories

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# Scores per criterion, in the order of the score sheet: values, strategic goals, culture,
# resources, expertise, reputation, track record.
SHEETS = {
    "alice": {"PayWave": [5, 5, 4, 5, 5, 4, 4], "Ledgerline": [3, 3, 3, 2, 3, 2, 3],
              "Cobalt Payments": [3, 4, 2, 3, 4, 3, 1]},
    "bob": {"PayWave": [4, 4, 4, 5, 5, 5, 4], "Ledgerline": [4, 3, 4, 2, 3, 2, 3],
            "Cobalt Payments": [3, 3, 4, 3, 4, 3, 3]},
}  # fmt: skip


def test_objectives_then_candidates_scored_compared_and_the_partner_chosen(
    signed_in_page, screenshot, alice, bob, bobs_partnership
):
    factories.OrganizationFactory(name="Cobalt Payments", industry="Fintech")
    page = signed_in_page(alice)
    page.goto(bobs_partnership.get_absolute_url())

    define_objectives(page, screenshot)
    align_them(page, screenshot)
    move_to_selecting(page, screenshot)
    add_candidates(page, screenshot)

    score_all(page, screenshot, SHEETS["alice"], "alice")
    manager = signed_in_page(bob)
    manager.goto(f"/partnerships/{bobs_partnership.pk}/tab/selection/")
    # Alice has scored everything, yet Bob sees none of it before giving his own.
    expect(manager.get_by_text("Hidden until you score")).to_have_count(3)
    assert_accessible(manager)
    screenshot(manager, "manager-before-scoring")
    score_all(manager, screenshot, SHEETS["bob"], "bob")
    assert Score.objects.count() == 2 * 3 * Criterion.objects.active().count()

    compare(page, screenshot)
    choose(page, screenshot)

    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.AGREEING
    assert bobs_partnership.organization.name == "PayWave"
    assert set(Candidate.objects.values_list("organization__name", "status")) == {
        ("PayWave", "chosen"),
        ("Ledgerline", "declined"),
        ("Cobalt Payments", "declined"),
    }


def define_objectives(page: Page, screenshot) -> None:
    page.get_by_role("link", name="Objectives", exact=True).click()
    panel = page.locator("#objectives-panel")
    expect(panel.get_by_text("No objectives yet.")).to_be_visible()
    expect(panel.get_by_text("Add one of our objectives with a measurable target")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "objectives-empty")

    # The partner's objective first: it does not open the gate.
    panel.get_by_role("link", name="Add objective").click()
    form = page.locator("#objective-form-slot form")
    form.get_by_label("The partner's").check()
    form.get_by_label("Category").select_option(label="Market expansion")
    form.get_by_label("Title").fill("Grow payment volume in Europe")
    form.get_by_label("Baseline").fill("0")
    form.get_by_label("Target", exact=True).fill("40")
    form.get_by_label("Unit").fill("€ million")
    form.get_by_label("Due date").fill("2027-12-31")
    assert_accessible(page)
    screenshot(page, "objective-form-inline")
    form.get_by_role("button", name="Add objective").click()
    expect(panel.get_by_role("status")).to_have_text("“Grow payment volume in Europe” is saved.")
    expect(panel.get_by_text("Add one of our objectives with a measurable target")).to_be_visible()

    # Ours, first with a target equal to its baseline: refused in words, the input kept.
    panel.get_by_role("link", name="Add objective").click()
    form = page.locator("#objective-form-slot form")
    form.get_by_label("Ours").check()
    form.get_by_label("Category").select_option(label="Product development")
    form.get_by_label("Title").fill("Embedded payments attach rate")
    form.get_by_label("Baseline").fill("20")
    form.get_by_label("Target", exact=True).fill("20")
    form.get_by_label("Unit").fill("%")
    form.get_by_label("Due date").fill("2027-06-30")
    form.get_by_role("button", name="Add objective").click()
    form = page.locator("#objective-form-slot form")
    expect(form.get_by_text("The target must differ from the baseline")).to_be_visible()
    expect(form.get_by_label("Title")).to_have_value("Embedded payments attach rate")
    assert_accessible(page)
    screenshot(page, "objective-refused")
    form.get_by_label("Baseline").fill("0")
    form.get_by_role("button", name="Add objective").click()

    expect(panel.get_by_text("Everything needed is in place")).to_be_visible()
    expect(panel.get_by_role("table", name="Our objectives")).to_contain_text(
        "Embedded payments attach rate"
    )
    expect(panel.get_by_role("table", name="The partner's objectives")).to_contain_text(
        "Grow payment volume in Europe"
    )
    assert Objective.objects.count() == 2
    screenshot(page, "objectives-defined")


def align_them(page: Page, screenshot) -> None:
    page.locator("#objectives-panel").get_by_role("link", name="Alignment", exact=True).click()
    expect(page.get_by_role("heading", name="Alignment of objectives")).to_be_visible()
    expect(page.get_by_text("has no counterpart among the partner's objectives")).to_be_visible()
    page.get_by_role("link", name="Link “Embedded payments attach rate” to").click()
    page.get_by_label("Aligned", exact=True).check()
    page.get_by_label("Note").fill("Every payment through us adds to their European volume.")
    page.get_by_role("button", name="Save the link").click()

    expect(page.get_by_role("alert")).to_contain_text("are linked: aligned.")
    matrix = page.get_by_role("table", name=re.compile("Our objectives .rows."))
    expect(matrix.get_by_text("Aligned", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Every objective has a counterpart, and nothing conflicts.")
    ).to_be_visible()
    assert Alignment.objects.get().kind == "aligned"
    assert_accessible(page)
    screenshot(page, "aligned")


def move_to_selecting(page: Page, screenshot) -> None:
    page.get_by_role("link", name="Objectives", exact=True).click()
    page.get_by_role("button", name="Move to Choosing the partner").click()
    expect(page.get_by_role("alert")).to_contain_text("Moved to “Choosing the partner”.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Choosing the partner")
    screenshot(page, "moved-to-selecting")


def add_candidates(page: Page, screenshot) -> None:
    page.get_by_role("link", name="Selection", exact=True).click()
    expect(page.get_by_text("No candidates yet.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "selection-empty")
    page.get_by_role("link", name="Add the first candidate").click()
    expect(page.get_by_role("heading", name="Add a candidate")).to_be_visible()
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_text("Choose an organisation, or give a new one's name.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "candidate-refused")

    for name, listed, risks in [
        ("PayWave", "Short list", "Pricing above the market at low volumes."),
        ("Ledgerline", "Long list", "Only licensed in North America."),
    ]:
        if not page.get_by_role("heading", name="Add a candidate").is_visible():
            page.get_by_role("link", name="Add candidate").click()
        page.get_by_label("Or a new organisation").fill(name)
        page.get_by_label(listed).check()
        page.get_by_label("Risks").fill(risks)
        page.get_by_role("button", name="Add candidate").click()
        expect(page.get_by_role("alert")).to_contain_text(f"{name} is on the {listed.lower()}.")

    page.get_by_role("link", name="Add candidate").click()
    page.get_by_label("Organisation", exact=True).select_option(label="Cobalt Payments")
    page.get_by_label("References").fill("Rafael Souza, their partner manager.")
    page.get_by_role("button", name="Add candidate").click()
    table = page.get_by_role("table", name="Candidates")
    expect(table.get_by_role("row")).to_have_count(4)
    screenshot(page, "three-candidates")


def score_all(page: Page, screenshot, sheets: dict[str, list[int]], who: str) -> None:
    labels = ["1 · poor", "2 · weak", "3 · adequate", "4 · good", "5 · excellent"]
    criteria = list(Criterion.objects.active().order_by("position"))
    for name, values in sheets.items():
        page.get_by_role("link", name="Selection", exact=True).click()
        page.get_by_role("link", name=f"Score {name}").click()
        expect(page.get_by_role("heading", name=f"Score {name}")).to_be_visible()
        for criterion, value in zip(criteria, values, strict=True):
            sheet = page.get_by_role("group", name=re.compile(f"^{criterion.name}"))
            sheet.get_by_label(labels[value - 1]).check()
        page.get_by_label(f"Comment on {criteria[0].name}").fill(f"{who} on {name}")
        if name == "PayWave":
            assert_accessible(page)
            screenshot(page, f"{who}-scores")
        page.get_by_role("button", name="Submit my scores").click()
        expect(page.get_by_role("alert")).to_contain_text(f"Your scores of {name} are saved")
    expect(page.get_by_role("heading", name="Scores")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"{who}-sees-the-others")


def compare(page: Page, screenshot) -> None:
    page.get_by_role("link", name="Selection", exact=True).click()
    page.get_by_role("link", name="Compare candidates").click()
    expect(page.get_by_role("heading", name="Comparison of candidates")).to_be_visible()
    ranking = page.get_by_role("region", name="Ranking")
    names = ranking.get_by_role("listitem").locator("a.fw-semibold")
    expect(names).to_have_text(["PayWave", "Cobalt Payments", "Ledgerline"])
    expect(page.locator("canvas#group-chart")).to_be_visible()
    expect(page.get_by_role("region", name="Where evaluators disagree most")).to_contain_text(
        "Culture for Cobalt Payments: a spread of 2 points"
    )
    assert_accessible(page)
    screenshot(page, "comparison")


def choose(page: Page, screenshot) -> None:
    page.get_by_role("region", name="Ranking").get_by_role("link", name="Choose PayWave").click()
    expect(page.get_by_role("heading", name="Choose PayWave as the partner")).to_be_visible()
    expect(page.get_by_text("These candidates will be declined:")).to_be_visible()
    page.get_by_label("Reason given to the other candidates").fill(
        "PayWave scored highest on capability and covers Europe."
    )
    expect(page.get_by_label("Move the partnership to “Agreeing” now")).to_be_checked()
    assert_accessible(page)
    screenshot(page, "choose")
    page.get_by_role("button", name="Choose this partner").click()

    expect(page.get_by_text("PayWave is chosen as the partner.")).to_be_visible()
    expect(page.get_by_text("Moved to “Agreeing”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agreeing")
    expect(page.get_by_role("region", name="Key facts")).to_contain_text("PayWave")
    assert_accessible(page)
    screenshot(page, "agreeing")
