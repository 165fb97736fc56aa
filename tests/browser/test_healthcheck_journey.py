"""The joint health check, end to end in Chromium: an executive opens one with two of our people
and two of the partner's; both partner contacts answer in the portal (one on a phone), our two
answer on our side; after the close both sides see the radar with the widest gap named. Every
portal health-check page passes axe at 390 px and on a desktop; screenshots of the results
(both sides) and of the answer form, at both widths, go to test-artifacts/."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from healthcheck.models import HealthCheck, Response
from partnerships.models import Stage
from tests import factories
from tests.portal.factories import invite

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Governance is where the two sides part: we rate it 5, they rate it 2.
OURS = {"Strategic value": 4, "Operational effectiveness": 4, "Relationship and trust": 4,
        "Governance": 5}  # fmt: skip
THEIRS = {"Strategic value": 4, "Operational effectiveness": 3, "Relationship and trust": 4,
          "Governance": 2}  # fmt: skip


def narrow_enough(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone"


def answer_form(page: Page, ratings: dict[str, int], comment: str = "") -> None:
    """Rate every statement by its area's rating, as a person clicks through the scale."""
    for section in page.locator("form.hc-answer-form section").all():
        area = section.locator("h2").inner_text().strip()
        for statement in section.locator("fieldset.hc-statement").all():
            statement.locator("label.btn", has_text=str(ratings[area])).click()
    if comment:
        first = page.locator("fieldset.hc-statement").first
        first.get_by_text("Add a comment").click()
        first.locator("textarea").fill(comment)


def radar_drawn(page: Page) -> bool:
    return page.evaluate(
        "() => { const c = document.getElementById('hc-radar');"
        " return !!(c && window.Chart && Chart.getChart(c)); }"
    )


def test_both_sides_answer_and_see_where_they_differ(
    signed_in_page, live_server, screenshot, settings, alice, bob
):
    settings.ACCORD_HEALTHCHECK_MIN_ANSWERS = 2
    org = factories.OrganizationFactory(name="Northwind Logistics")
    partnership = factories.PartnershipFactory(
        name="Northwind supply", organization=org, executive_sponsor=alice, managers=[bob],
        stage=Stage.ACTIVE,
    )  # fmt: skip
    people = [
        factories.ContactFactory(organization=org, name=name, title=title, email=email)
        for name, title, email in (
            ("Hannah Berg", "VP Partnerships", "hannah@northwind.example"),
            ("Leo Martin", "Operations lead", "leo@northwind.example"),
        )
    ]
    for contact in people:
        invite(partnership, bob, contact=contact)
        contact.refresh_from_db()
    hannah, leo = (c.user for c in people)
    base = live_server.url

    # The executive opens it: our two and the partner's two are ticked already.
    exec_page = signed_in_page(alice)
    exec_page.goto(f"{base}/partnerships/{partnership.pk}/tab/health-checks/")
    exec_page.get_by_role("link", name="Open a health check").click()
    expect(exec_page.get_by_role("heading", name="Open a joint health check")).to_be_visible()
    for name in ("Alice Ashby", "Bob Brown", "Hannah Berg, VP Partnerships", "Leo Martin"):
        expect(exec_page.get_by_label(name, exact=False)).to_be_checked()
    closes = timezone.localdate() + datetime.timedelta(days=10)
    exec_page.get_by_label("Closing date").fill(closes.isoformat())
    exec_page.get_by_role("button", name="Open the health check").click()
    expect(exec_page.get_by_role("heading", name="Who has answered")).to_be_visible()
    expect(exec_page.get_by_test_id("answered-partner")).to_have_text("0 of 2 answered")
    check = HealthCheck.objects.get()

    # Hannah, on a phone: the portal asks for her view; the form, its errors, her answers.
    phone = signed_in_page(hannah)
    phone.set_viewport_size(PHONE)
    phone.goto(f"{base}/portal/{partnership.pk}/")
    phone.get_by_role("link", name="Answer the health check").click()
    expect(phone.get_by_role("heading", name="Joint health check")).to_be_visible()
    assert_accessible(phone)
    narrow_enough(phone)
    screenshot(phone, "portal-answer-form-phone")
    phone.eval_on_selector_all(
        "[required]", "els => els.forEach(e => e.removeAttribute('required'))"
    )
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_text("Some answers are missing").first).to_be_visible()
    assert_accessible(phone)
    narrow_enough(phone)
    answer_form(phone, THEIRS, comment="Decisions reach us late.")
    phone.get_by_role("button", name="Send my answers").click()
    expect(
        phone.get_by_role("alert").filter(has_text="Thank you: your answers are in.")
    ).to_be_visible()
    expect(phone.get_by_role("link", name="Change your answers")).to_be_visible()
    # The open check's page in the portal: how many have answered, no names.
    phone.goto(f"{base}/portal/{partnership.pk}/health-checks/{check.pk}/")
    expect(phone.get_by_test_id("answered-partner")).to_have_text("1 of 2 answered")
    assert "Hannah" not in phone.locator("main").inner_text().split("Answers so far")[1]
    assert_accessible(phone)
    narrow_enough(phone)

    # Leo, on a desktop: the open check's page, then the form.
    desk = signed_in_page(leo)
    desk.goto(f"{base}/portal/{partnership.pk}/health-checks/{check.pk}/")
    expect(desk.get_by_role("link", name="Answer now")).to_be_visible()
    assert_accessible(desk)
    desk.goto(f"{base}/portal/{partnership.pk}/health-checks/{check.pk}/answer/")
    assert_accessible(desk)
    screenshot(desk, "portal-answer-form-desktop")
    answer_form(desk, THEIRS)
    desk.get_by_role("button", name="Send my answers").click()
    expect(
        desk.get_by_role("alert").filter(has_text="Thank you: your answers are in.")
    ).to_be_visible()

    # Our two, on our side.
    for user in (alice, bob):
        ours = signed_in_page(user)
        ours.goto(f"{base}/partnerships/{partnership.pk}/tab/health-checks/")
        ours.get_by_role("link", name="Answer now").first.click()
        if user == bob:
            screenshot(ours, "our-answer-form-desktop")
            ours.set_viewport_size(PHONE)
            screenshot(ours, "our-answer-form-phone")
            ours.set_viewport_size(DESKTOP)
        answer_form(ours, OURS, comment="The reviews keep us on track.")
        ours.get_by_role("button", name="Send my answers").click()
        expect(
            ours.get_by_role("alert").filter(has_text="Thank you: your answers are in.")
        ).to_be_visible()
    assert Response.objects.count() == 4

    # Closed by the executive: our side sees the radar with the gap named.
    exec_page.goto(f"{base}{check.get_absolute_url()}")
    expect(exec_page.get_by_test_id("answered-us")).to_have_text("2 of 2 answered")
    exec_page.once("dialog", lambda dialog: dialog.accept())
    exec_page.get_by_role("button", name="Close now").click()
    expect(exec_page.get_by_text("The health check is closed")).to_be_visible()
    expect(exec_page.get_by_test_id("widest-gap")).to_have_text(
        "The widest gap is in governance: Northwind Logistics rates it 2.0 out of 5, 3.0 points "
        "below our 5.0."
    )
    expect(exec_page.locator("#hc-radar")).to_be_visible()
    assert radar_drawn(exec_page)
    expect(exec_page.get_by_test_id("area-table")).to_contain_text("−3.0")
    assert_accessible(exec_page)
    screenshot(exec_page, "results-our-side-desktop")
    exec_page.set_viewport_size(PHONE)
    exec_page.reload()
    assert radar_drawn(exec_page)
    screenshot(exec_page, "results-our-side-phone")

    # The partner sees the same aggregate, said to them, on a phone and on a desktop.
    phone.goto(f"{base}/portal/{partnership.pk}/")
    phone.get_by_role("link", name="see its results").or_(
        phone.get_by_role("link", name="See the results")
    ).first.click()
    expect(phone.get_by_test_id("widest-gap")).to_have_text(
        "The widest gap is in governance: you rate it 2.0 out of 5, 3.0 points below our 5.0."
    )
    assert radar_drawn(phone)
    assert_accessible(phone)
    narrow_enough(phone)
    screenshot(phone, "results-portal-phone")
    expect(phone.get_by_text("Decisions reach us late.")).to_be_attached()
    desk.goto(f"{base}/portal/{partnership.pk}/health-checks/{check.pk}/")
    assert radar_drawn(desk)
    assert_accessible(desk)
    screenshot(desk, "results-portal-desktop")

    # After the close, answering is refused in words.
    desk.goto(f"{base}/portal/{partnership.pk}/health-checks/{check.pk}/answer/")
    expect(desk.get_by_role("alert")).to_contain_text("Answers can no longer be given or changed")
    assert_accessible(desk)
