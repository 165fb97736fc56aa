"""Every page of the partner portal, on a phone (390 px) and on a desktop, checked by axe-core:
no serious or critical WCAG 2.1 AA violation, and nothing wider than the phone. Forms are checked
with their errors showing too."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from sesame.utils import get_token

from communications import services as communications
from partnerships.models import Stage
from planning.models import Milestone
from tests import factories
from tests.agreements.factories import AgreementFactory, ResponsibilityFactory
from tests.communications.factories import ActionItemFactory, CheckInFactory, ThreadFactory
from tests.portal.factories import invite
from tests.reviews.factories import KPIFactory, MeasurementFactory

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def months_back(n: int) -> datetime.date:
    day = timezone.localdate().replace(day=1)
    for _ in range(n):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


@pytest.fixture
def world(alice, bob):
    """A live partnership with everything the portal can show, and a contact invited to it and
    to a second one (so the portal's home lists both)."""
    org = factories.OrganizationFactory(name="Northwind Logistics")
    hannah = factories.ContactFactory(
        organization=org, name="Hannah Berg", email="hannah@northwind.example"
    )
    partnership = factories.PartnershipFactory(
        name="Northwind supply", organization=org, executive_sponsor=alice, managers=[bob],
        stage=Stage.ACTIVE, next_check_in_due=timezone.localdate() + datetime.timedelta(days=9),
    )  # fmt: skip
    second = factories.PartnershipFactory(
        name="Northwind returns", organization=org, executive_sponsor=alice, managers=[bob],
        stage=Stage.ACTIVE,
    )  # fmt: skip
    agreement = AgreementFactory(
        partnership=partnership, status="signed", signed_on=datetime.date(2026, 1, 1),
        signed_by=alice,
    )  # fmt: skip
    ResponsibilityFactory(agreement=agreement, party="partner", area="Fulfilment",
                          accountable_user=None, accountable_contact=hannah)  # fmt: skip
    CheckInFactory(partnership=partnership, shared=True, summary="Q1 volumes agreed.")
    kpi = KPIFactory(partnership=partnership, name="On-time delivery", shared=True)
    for n, value in enumerate(("91", "93.5", "92", "96.25")):
        MeasurementFactory(kpi=kpi, period=months_back(3 - n), value=Decimal(value))
    KPIFactory(
        partnership=partnership, name="Cost per pallet", unit="€", direction="lower",
        baseline=Decimal("12"), target=Decimal("9.5"), red_flag=None, shared=True,
    )  # fmt: skip
    Milestone.objects.create(
        partnership=partnership, title="First joint customer", achieved_on=timezone.localdate(),
        evidence="Order", value_note="Acme in Japan", created_by=alice,
    )  # fmt: skip
    Milestone.objects.create(
        partnership=partnership, title="Second depot", created_by=alice,
        target_date=timezone.localdate() + datetime.timedelta(days=60),
    )  # fmt: skip
    invite(partnership, bob, contact=hannah)
    invite(second, bob, contact=hannah)
    hannah.refresh_from_db()
    action = ActionItemFactory(partnership=partnership, title="Send the Q3 volume forecast",
                               party="partner", owner=None, owner_contact=hannah,
                               created_by=bob)  # fmt: skip
    communications.action_comment(action=action, by=bob, body="Any news on the forecast?")
    communications.action_comment(action=action, by=hannah.user, body="Half of it is ready.")
    communications.action_propose_due_date(
        action=action, by=hannah.user, proposed_on=timezone.localdate() + datetime.timedelta(30)
    )
    thread = ThreadFactory(
        partnership=partnership, author=bob, shared=True, title="Pallet labels",
        body="Could you print **our** labels?",
    )  # fmt: skip
    communications.thread_reply(thread=thread, by=hannah.user, body="Yes, from May. @[Bob Brown]")
    return {"partnership": partnership, "hannah": hannah, "action": action, "thread": thread}


def without_browser_checks(page: Page) -> None:
    """Let an empty form reach the server, to see its answer (the browser would stop it first)."""
    page.eval_on_selector_all(
        "[required]", "els => els.forEach(e => e.removeAttribute('required'))"
    )


def check(page: Page, name: str, size: str, screenshot) -> None:
    assert_accessible(page)
    if size == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES["phone"]["width"], f"{name} is {width} px wide on a phone"
    screenshot(page, f"{size}-{name}")


@pytest.mark.parametrize("size", SIZES)
def test_every_portal_page_passes_axe(signed_in_page, new_context, live_server, screenshot, world,
                                      size):  # fmt: skip
    p, action, thread = world["partnership"], world["action"], world["thread"]
    page = signed_in_page(world["hannah"].user)
    page.set_viewport_size(SIZES[size])
    base = live_server.url
    pages = {
        "home": "/portal/",
        "partnership": f"/portal/{p.pk}/",
        "concern-form": f"/portal/{p.pk}/concerns/new/",
        "action": f"/portal/{p.pk}/actions/{action.pk}/",
        "discussions": f"/portal/{p.pk}/discussion/",
        "thread": f"/portal/{p.pk}/discussion/{thread.pk}/",
    }
    for name, path in pages.items():
        page.goto(base + path)
        expect(page.locator("main h1").first).to_be_visible()
        check(page, name, size, screenshot)

    # The forms with their errors showing.
    page.goto(base + pages["concern-form"])
    without_browser_checks(page)
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text("This field is required").first).to_be_visible()
    check(page, "concern-form-errors", size, screenshot)
    page.goto(base + pages["action"])
    page.get_by_label("New due date").fill("2001-01-01")
    page.get_by_role("button", name="Propose the date").click()
    expect(page.get_by_text("Propose a date from today")).to_be_visible()
    check(page, "action-errors", size, screenshot)
    page.goto(base + pages["thread"])
    without_browser_checks(page)
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_text("Write your reply first.")).to_be_visible()
    check(page, "thread-errors", size, screenshot)

    # Signing in: the link-request page, its answer, a link's button page, a dead link.
    anonymous = new_context().new_page()
    anonymous.set_viewport_size(SIZES[size])
    anonymous.goto(base + "/portal/sign-in/")
    check(anonymous, "sign-in", size, screenshot)
    anonymous.get_by_label("Your e-mail").fill("nobody@example.com")
    anonymous.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(anonymous.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    check(anonymous, "link-sent", size, screenshot)
    anonymous.goto(base + f"/portal/link/{get_token(world['hannah'].user)}/")
    expect(anonymous.get_by_role("button", name="Continue to the portal")).to_be_visible()
    check(anonymous, "link-confirm", size, screenshot)
    anonymous.goto(base + "/portal/link/not-a-real-token/")
    expect(anonymous.get_by_role("heading", name="This link no longer works")).to_be_visible()
    check(anonymous, "link-invalid", size, screenshot)
