"""An executive opens the dashboard (the home page), follows the weakest partnership, sees why it
is weak, records a renewal decision to renegotiate, and the new agreement draft opens. A partner
manager's home is "My partnerships": the same facts for their own partnerships; they record a
success that the dashboard then shows."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement, Status
from partnerships.models import Partnership, Stage
from planning.models import Milestone, RenewalDecision
from portfolio import services
from reminders.models import Cadence
from tests import factories
from tests.communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from tests.planning.conftest import signed
from tests.planning.factories import MilestoneFactory

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def live(name: str, *, sponsor, manager, stage=Stage.ACTIVE, **fields) -> Partnership:
    today = timezone.localdate()
    organization = factories.OrganizationFactory(name=f"{name} Ltd")
    factories.ContactFactory(organization=organization, name="Hannah Berg")
    return factories.PartnershipFactory(
        name=name,
        stage=stage,
        organization=organization,
        executive_sponsor=sponsor,
        managers=[manager],
        start_date=today - days(700),
        check_in_cadence=Cadence.objects.get(name="Monthly check-in"),
        review_cadence=Cadence.objects.get(name="Quarterly business review"),
        next_check_in_due=fields.pop("next_check_in_due", today + days(12)),
        next_review_due=today + days(50),
        **fields,
    )


@pytest.fixture
def portfolio(alice, bob, charlie) -> dict[str, Partnership]:
    today = timezone.localdate()
    healthy = live("Helios co-sell", sponsor=alice, manager=bob)
    CheckInFactory(partnership=healthy, sentiment=5, logged_by=bob)
    ActionItemFactory(partnership=healthy, due_on=today + days(5))
    signed(healthy, expiry=today + days(400))

    weak = live(
        "Meridian distribution",
        sponsor=alice,
        manager=charlie,
        stage=Stage.RENEWING,
        next_check_in_due=today - days(3),
    )
    CheckInFactory(partnership=weak, sentiment=2, logged_by=charlie, held_on=today - days(20))
    for n in range(3):
        ActionItemFactory(partnership=weak, due_on=today - days(10 + n))
    ConcernFactory(partnership=weak, raised_at=timezone.now() - days(4), title="Stock-outs")
    signed(weak, expiry=today + days(40), notice_days=90)

    services.refresh_health()
    return {"healthy": healthy, "weak": weak}


def test_an_executive_follows_the_weakest_partnership_and_renegotiates_its_renewal(
    signed_in_page, screenshot, alice, portfolio
):
    weak = portfolio["weak"]
    page = signed_in_page(alice)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    weakest = page.get_by_role("region", name="The five weakest")
    expect(weakest.get_by_role("listitem").first).to_contain_text("Meridian distribution")
    expect(weakest).to_contain_text("Sentiment trend: 2.0/5 over the last 90 days")
    expect(page.locator("#chart-value")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "dashboard")

    weakest.get_by_role("link", name="Meridian distribution").click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{weak.pk}/tab/health/$"))
    expect(page.get_by_text("Why:")).to_be_visible()
    parts = page.get_by_role("table", name="Parts of the health score, their weights and values")
    expect(parts.get_by_role("row", name=re.compile("Overdue action items"))).to_contain_text(
        "3 action items overdue, of 3 open."
    )
    expect(parts.get_by_role("row", name=re.compile("Open concerns"))).to_contain_text(
        "1 open concern past its target"
    )
    expect(page.get_by_role("note")).to_contain_text(
        "KPI attainment, Cadence compliance, Partner's view: no data yet, so left out"
    )
    assert_accessible(page)
    screenshot(page, "why-weak")

    page.get_by_role("link", name="Relationship", exact=True).click()
    expect(page.get_by_text("Renewal due.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Decide on the renewal").first.click()
    expect(page.get_by_role("heading", name="Decide on the renewal")).to_be_visible()
    page.get_by_label("Renegotiate").check()
    page.get_by_label("Rationale").fill("   ")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Give the rationale for the decision.")).to_be_visible()
    assert not RenewalDecision.objects.exists()
    assert_accessible(page)
    screenshot(page, "decision-refused")

    expect(page.get_by_label("Renegotiate")).to_be_checked()
    page.get_by_label("Rationale").fill(
        "Sell-out is below plan and stock-outs keep recurring: renew only with a lower minimum "
        "purchase and a stock service level."
    )
    page.get_by_role("button", name="Record the decision").click()

    draft = Agreement.objects.filter(partnership=weak).order_by("-version").first()
    expect(page).to_have_url(re.compile(rf"/agreements/{draft.pk}/$"))
    expect(page.get_by_text("Decision recorded: renegotiate.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(rf"v{draft.version}"))).to_contain_text(
        "Draft"
    )
    assert draft.status == Status.DRAFT
    decision = RenewalDecision.objects.get()
    assert (decision.decision, decision.decided_by, decision.agreement) == (
        "renegotiate",
        alice,
        draft,
    )
    weak.refresh_from_db()
    assert weak.stage == Stage.RENEWING
    assert_accessible(page)
    screenshot(page, "new-draft")


def test_a_manager_sees_my_partnerships_and_records_a_success(
    signed_in_page, screenshot, bob, portfolio
):
    healthy = portfolio["healthy"]
    milestone = MilestoneFactory(partnership=healthy, title="First 10 co-sold deals")
    page = signed_in_page(bob)
    page.goto("/")
    expect(page.get_by_role("heading", name="My partnerships", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Meridian distribution")
    assert_accessible(page)
    screenshot(page, "my-partnerships")

    page.goto(f"/partnerships/{healthy.pk}/tab/relationship/")
    page.get_by_role("link", name=re.compile("Achieved.*First 10 co-sold deals")).click()
    page.get_by_label("Achieved on").fill((healthy.start_date - days(1)).isoformat())
    page.get_by_label("Evidence").fill("Deal registrations in the shared pipeline.")
    page.get_by_label("Realised value").fill("1250000")
    page.get_by_role("button", name="Record the achievement").click()
    expect(page.get_by_text("cannot be achieved before that")).to_be_visible()
    expect(page.get_by_label("Evidence")).to_have_value(
        "Deal registrations in the shared pipeline."
    )
    assert_accessible(page)
    screenshot(page, "achievement-refused")

    page.get_by_label("Achieved on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record the achievement").click()
    expect(page.get_by_text("a success to celebrate")).to_be_visible()
    milestone.refresh_from_db()
    assert milestone.is_achieved and milestone.value_unit == "€"
    assert Milestone.objects.achieved().count() == 1

    page.get_by_role("link", name="Dashboard").click()
    successes = page.get_by_role("region", name="Recent successes")
    expect(successes).to_contain_text("First 10 co-sold deals")
    screenshot(page, "success-on-dashboard")
