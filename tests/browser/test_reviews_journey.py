"""A partner manager records last month's measurements (a period already measured is refused in
place, keeping the input); an executive schedules and holds the quarterly review, records a
decision that becomes an action item, and opens the review pack. axe finds no serious violation
on the way."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communications.models import ActionItem
from partnerships.models import Partnership, Stage
from reminders.models import Cadence
from reviews.models import KPI, Measurement, Review
from tests import factories

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def month_start(months_back: int) -> datetime.date:
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


@pytest.fixture
def live(alice, bob) -> Partnership:
    organization = factories.OrganizationFactory(name="Northwind Logistics")
    factories.ContactFactory(organization=organization, name="Hannah Berg", title="VP Partnerships")
    partnership = factories.PartnershipFactory(
        name="Northwind supply",
        stage=Stage.ACTIVE,
        organization=organization,
        executive_sponsor=alice,
        managers=[bob],
        review_cadence=Cadence.objects.get(name="Quarterly business review"),
        next_review_due=timezone.localdate() + datetime.timedelta(days=3),
    )
    for name, unit, direction, baseline, target, red_flag, values in (
        ("On-time delivery", "%", "higher", "88", "97", "90", ["89", "91", "92.5", "94"]),
        ("Cost per order", "€", "lower", "6.40", "4.80", "6.00", ["6.2", "5.9", "5.5", "5.1"]),
    ):
        kpi = KPI.objects.create(
            partnership=partnership, name=name, unit=unit, direction=direction,
            baseline=Decimal(baseline), target=Decimal(target), red_flag=Decimal(red_flag),
            frequency="monthly", owner=bob,
        )  # fmt: skip
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, period=month_start(5 - i), value=Decimal(v), recorded_by=bob)
            for i, v in enumerate(values)
        )
    return partnership


def test_a_manager_records_measurements_and_an_executive_holds_the_quarterly_review(
    signed_in_page, screenshot, alice, bob, live
):
    last_month = month_start(1)
    page = signed_in_page(bob)
    page.goto(f"/partnerships/{live.pk}/")
    page.get_by_role("link", name="Performance", exact=True).click()
    expect(page.get_by_role("heading", name="KPIs today")).to_be_visible()
    expect(page.locator("svg.sparkline")).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "tab")

    page.get_by_role("link", name="On-time delivery").click()
    expect(page.locator("#kpi-chart")).to_be_visible()
    taken = month_start(2) + datetime.timedelta(days=10)
    page.get_by_label("Period").fill(taken.isoformat())
    page.get_by_label("Value (%)").fill("96")
    page.get_by_role("button", name="Record").click()
    expect(
        page.get_by_text(f"“On-time delivery” already has a measurement for {taken:%b %Y}")
    ).to_be_visible()
    expect(page.get_by_label("Value (%)")).to_have_value("96")
    assert Measurement.objects.get(kpi__name="On-time delivery", period=month_start(2)).value == (
        Decimal("94")
    )
    assert_accessible(page)
    screenshot(page, "period-taken")

    page.get_by_label("Period").fill(last_month.isoformat())
    page.get_by_label("Value (%)").fill("97.5")
    page.get_by_label("Note").fill("Peak handled without extra carriers")
    page.get_by_role("button", name="Record").click()
    expect(
        page.get_by_text(f"{last_month:%b %Y} recorded: 105.5 % of target, on target.")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Peak handled without extra carriers")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "kpi-recorded")

    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("link", name="Cost per order").click()
    page.get_by_label("Period").fill(last_month.isoformat())
    page.get_by_label("Value (€)").fill("4.95")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("recorded: 90.6 % of target, watch.")).to_be_visible()

    # A CSV with one bad row imports nothing and says where the problem is.
    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("link", name="Import measurements").click()
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "older.csv",
                "mimeType": "text/csv",
                "buffer": f"KPI,Period,Value\nOn-time delivery,{month_start(8):%Y-%m},88.5\n"
                f"On-time delivery,{month_start(7):%Y-%m},n/a\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Nothing was imported from older.csv")).to_be_visible()
    expect(page.get_by_text("Line 3, column “Value”: “n/a” is not a number")).to_be_visible()
    assert Measurement.objects.count() == 10
    assert_accessible(page)
    screenshot(page, "import-refused")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("link", name="Northwind supply", exact=True)).to_be_visible()
    assert_accessible(page)

    executive = signed_in_page(alice)
    executive.goto(f"/partnerships/{live.pk}/tab/performance/")
    executive.get_by_role("link", name="Schedule the review").click()
    expect(executive.get_by_label("Kind")).to_have_value("quarterly")
    assert_accessible(executive)
    executive.get_by_role("button", name="Schedule the review").click()
    expect(executive.get_by_text("Quarterly business review scheduled for")).to_be_visible()
    expect(
        executive.get_by_text("As they stand today; holding the review freezes them.")
    ).to_be_visible()
    assert_accessible(executive)
    screenshot(executive, "scheduled")

    executive.get_by_label("Bob Brown").check()
    executive.get_by_label("Hannah Berg").check()
    executive.get_by_label("4 · good").check()
    executive.get_by_label("Summary").fill("Service is back on target; cost still on watch.")
    executive.get_by_role("button", name="Hold the review and freeze its snapshot").click()
    expect(
        executive.get_by_text("Quarterly business review held; the KPIs are frozen")
    ).to_be_visible()
    expect(executive.get_by_text("the day the review was held.")).to_be_visible()
    review = Review.objects.get()
    assert review.is_held and review.snapshots.count() == 2
    live.refresh_from_db()
    assert live.next_review_due == review.due_on + live.review_cadence.step

    # The decision form shows only the fields of what the decision becomes.
    expect(executive.get_by_label("Owner")).to_be_hidden()
    executive.locator("#id_text").fill("Agree a cost recovery plan with Northwind")
    executive.get_by_label("An action item").check()
    expect(executive.get_by_label("Owner")).to_be_visible()
    expect(executive.get_by_label("New target")).to_be_hidden()
    executive.get_by_label("Owner").select_option(label="Bob Brown")
    due = timezone.localdate() + datetime.timedelta(days=14)
    executive.get_by_label("Due date", exact=True).fill(due.isoformat())
    assert_accessible(executive)
    screenshot(executive, "decision-form")
    executive.get_by_role("button", name="Record the decision").click()
    expect(
        executive.get_by_text("Decision recorded; action item for Bob Brown opened.")
    ).to_be_visible()
    item = ActionItem.objects.get()
    assert (item.owner, item.due_on, item.title) == (
        bob,
        due,
        "Agree a cost recovery plan with Northwind",
    )
    screenshot(executive, "held")

    executive.get_by_role("link", name="Review pack").click()
    expect(
        executive.get_by_role("heading", name="Northwind supply: quarterly business review")
    ).to_be_visible()
    expect(
        executive.get_by_role("cell", name="Agree a cost recovery plan with Northwind")
    ).to_be_visible()
    expect(
        executive.get_by_role("button", name="Print or save as PDF").or_(
            executive.get_by_role("link", name="Print or save as PDF")
        )
    ).to_be_visible()
    assert_accessible(executive)
    screenshot(executive, "pack")
    executive.emulate_media(media="print")
    expect(executive.get_by_role("link", name="Print or save as PDF")).to_be_hidden()
    expect(executive.get_by_role("navigation", name="Main")).to_be_hidden()
    screenshot(executive, "pack-print")

    # Later measurements do not move what the review saw.
    page.goto(f"/partnerships/{live.pk}/performance/kpis/")
    executive.emulate_media(media="screen")
    executive.goto(review.get_absolute_url())
    expect(executive.get_by_text("the day the review was held.")).to_be_visible()
