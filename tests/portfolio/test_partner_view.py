"""The health score's Partner's view, from the latest joint health check, and the dashboard's
widest perception gaps."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portfolio import health, services
from portfolio.models import HealthSettings, PartnershipHealth
from tests.communications.factories import CheckInFactory
from tests.healthcheck.factories import closed_check, closed_row, partner_people
from tests.helpers import assert_constant_queries

from .conftest import live_partnership

pytestmark = pytest.mark.django_db


def parts_of(partnership) -> dict:
    return {p.key: p for p in health.compute_one(partnership).parts}


def test_the_part_is_the_partner_s_average_with_the_gap_in_words():
    p = live_partnership()
    closed_row(p, ours="4.2", theirs="3.0", area="governance", gap="1.6")
    part = parts_of(p)["partner_view"]
    assert part.label == "Partner's view" and part.weight == 15
    assert part.value == 50  # 3.0 on 1-5 is half way
    assert part.detail == (
        f"The partner rates it 3.0/5 in the health check closed {timezone.now():%-d %b %Y}, "
        "we 4.2/5: a gap of 1.2; widest in governance (1.6)."
    )


def test_without_a_recent_check_the_partnership_is_scored_as_before_and_says_so():
    p = live_partnership()
    CheckInFactory(partnership=p, sentiment=4)
    without = health.compute_one(p)
    part = {x.key: x for x in without.parts}["partner_view"]
    assert part.value is None
    assert part.detail == "No joint health check closed in the last 12 months."
    assert without.rescaled and part in without.left_out
    # A check older than a year counts no more either: the same score as with none.
    closed_row(p, theirs="1.0", closed_at=timezone.now() - datetime.timedelta(days=400))
    assert health.compute_one(p).score == without.score
    weights = HealthSettings.load()
    weights.partner_view_weight = 0
    weights.save()
    assert health.compute_one(p).score == without.score


def test_a_recent_check_moves_the_score_by_its_weight():
    p = live_partnership()
    CheckInFactory(partnership=p, sentiment=5)  # sentiment 100, weight 15
    assert health.compute_one(p).score == 100
    closed_row(p, ours="4.0", theirs="2.0")  # partner's view 25, weight 15
    scored = health.compute_one(p)
    assert scored.score == round((15 * 100 + 15 * 25) / 30)
    assert scored.reason.startswith("Partner's view: The partner rates it 2.0/5")


def test_too_few_partner_answers_leave_the_part_out():
    p = live_partnership()
    check = closed_row(p, theirs="3.0")
    check.partner_average = None
    check.save()
    part = parts_of(p)["partner_view"]
    assert part.value is None and "too few of the partner's answers" in part.detail


def test_the_part_comes_from_a_real_check_and_lands_in_the_stored_score(alice, bob):
    p = live_partnership(executive_sponsor=alice, managers=[bob])
    from tests.healthcheck.factories import our_people

    ours = our_people(p, 3)
    theirs = partner_people(p, 3)
    closed_check(p, ours, theirs, our_ratings=5, their_ratings=2)
    services.refresh_health()
    stored = PartnershipHealth.objects.get(partnership=p)
    view = next(x for x in stored.parts if x["key"] == "partner_view")
    assert view["value"] == 25 and "a gap of 3.0" in view["detail"]


def test_the_dashboard_lists_the_five_widest_gaps_with_their_area(client, alice):
    rows = []
    for n, gap in enumerate(["0.4", "2.5", "1.0", "1.8", "0.7", "3.1"]):
        p = live_partnership(name=f"P{n}", executive_sponsor=alice)
        theirs = str(Decimal("4.5") - Decimal(gap))
        rows.append(closed_row(p, ours="4.5", theirs=theirs, area="relationship", gap=gap))
    ended = live_partnership(name="Ended one", stage="ended", ended_reason="Done.")
    closed_row(ended, ours="5.0", theirs="1.0", gap="4.0")
    client.force_login(alice)
    html = client.get("/dashboard/").content.decode()
    table = html.split('data-testid="widest-gaps"')[1].split("</table>")[0]
    names = [f"P{n}" for n in (5, 1, 3, 2, 4)]
    positions = [table.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    assert ">P0</a>" not in table and "Ended one" not in table
    assert "Relationship and trust" in table and "−3.1" in table


def test_the_dashboard_says_what_to_do_without_any_check(client, alice):
    live_partnership(executive_sponsor=alice)
    client.force_login(alice)
    html = client.get("/dashboard/").content.decode()
    assert "No joint health check has closed in the last 12 months" in html


def test_the_gaps_section_keeps_the_dashboard_s_queries_fixed(client, alice):
    def some(n):
        for _ in range(n):
            closed_row(live_partnership(executive_sponsor=alice), theirs="2.0")

    some(1)
    client.force_login(alice)
    assert_constant_queries(client, "/dashboard/", lambda: some(10))
