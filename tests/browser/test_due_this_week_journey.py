"""An executive opens the dashboard's "Due this week" figure: one list of everything it counts,
each row opening the thing itself."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reminders.models import Cadence
from tests import factories
from tests.communications.factories import ActionItemFactory, ConcernFactory
from tests.reviews.factories import ReviewFactory

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def test_the_due_this_week_figure_lists_everything_it_counts(
    signed_in_page, live_server, screenshot, alice, bob
):
    today = timezone.localdate()

    def live(name: str, **fields):
        return factories.PartnershipFactory(
            name=name, stage="active", executive_sponsor=alice, managers=[bob],
            organization=factories.OrganizationFactory(name=f"{name} Ltd"),
            start_date=today - days(300),
            check_in_cadence=Cadence.objects.get(name="Monthly check-in"),
            review_cadence=Cadence.objects.get(name="Quarterly business review"),
            next_check_in_due=fields.pop("next_check_in_due", today + days(20)),
            next_review_due=fields.pop("next_review_due", today + days(60)), **fields,
        )  # fmt: skip

    helios = live("Helios co-sell", next_check_in_due=today - days(3))
    meridian = live("Meridian distribution", next_review_due=today)
    review = ReviewFactory(partnership=meridian, due_on=today)
    ActionItemFactory(partnership=helios, title="Send the Q3 volume forecast", due_on=today)
    ConcernFactory(partnership=meridian, title="Late deliveries in the north",
                   raised_at=timezone.now() - days(3))  # fmt: skip

    page = signed_in_page(alice)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Due this week").click()
    expect(page.get_by_role("heading", name="Everything due or overdue this week")).to_be_visible()
    expect(page.get_by_role("cell", name="Send the Q3 volume forecast")).to_be_visible()
    expect(page.get_by_text("past target", exact=True)).to_be_visible()
    screenshot(page, "everything-due")
    assert_accessible(page)
    page.get_by_role("link", name="Hold the scheduled review").click()
    expect(page).to_have_url(f"{live_server.url}{review.get_absolute_url()}")
