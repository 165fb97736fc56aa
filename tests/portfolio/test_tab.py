import datetime

import pytest
from django.utils import timezone

from partnerships.models import Stage
from portfolio.models import HealthSnapshot, PartnershipHealth
from tests.communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from tests.helpers import assert_constant_queries
from tests.reviews.factories import HeldReviewFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def url(partnership) -> str:
    return f"/partnerships/{partnership.pk}/tab/health/"


def test_the_health_tab_shows_each_part_its_weight_value_and_why(client, bob, live):
    CheckInFactory(partnership=live, sentiment=4)
    ActionItemFactory(partnership=live, due_on=timezone.localdate() - days(2))
    client.force_login(bob)
    response = client.get(url(live))
    body = response.content.decode()
    health = response.context["health"]
    assert health.score == round((10 * 85 + 15 * 75) / 25)
    for text in (
        "KPI attainment",
        "No KPI measured yet.",
        "1 action item overdue, of 1 open.",
        "4.0/5 over the last 90 days (1 check-in).",
        "no data yet, so left out; the weights of the other parts rescale",
        ">40%<",  # actions: 10 of the 25 that count
    ):
        assert text in body, text
    # What the page shows is what the dashboard reads next.
    assert PartnershipHealth.objects.get(partnership=live).score == health.score


def test_the_health_tab_says_what_moved_since_the_base_snapshot(client, bob, live):
    CheckInFactory(partnership=live, sentiment=5)
    ActionItemFactory(partnership=live, due_on=timezone.localdate() - days(2))
    HealthSnapshot.objects.create(
        partnership=live,
        day=timezone.localdate() - days(30),
        score=90,
        parts=[
            {"key": "actions", "label": "Overdue action items", "weight": 10, "value": 100,
             "detail": "None overdue."},
        ],
    )  # fmt: skip
    client.force_login(bob)
    response = client.get(url(live))
    rows = {r["part"].key: r for r in response.context["rows"]}
    assert (rows["actions"]["was"], rows["actions"]["delta"]) == (100, -15)
    assert rows["sentiment"]["was"] is None
    body = response.content.decode()
    assert "no review has been held yet" in body
    assert "-15" in body
    assert response.context["score_delta"] == response.context["health"].score - 90


def test_a_partnership_not_live_yet_has_no_health(client, bob, bobs_partnership):
    client.force_login(bob)
    body = client.get(url(bobs_partnership)).content.decode()
    assert "Health is measured once the partnership is active" in body
    bobs_partnership.stage, bobs_partnership.ended_reason = Stage.ENDED, "Done."
    bobs_partnership.save()
    assert "no longer measured" in client.get(url(bobs_partnership)).content.decode()


def test_the_health_tab_renders_in_fixed_queries(client, bob, live):
    CheckInFactory(partnership=live)
    ActionItemFactory(partnership=live)
    ConcernFactory(partnership=live)
    client.force_login(bob)
    client.get(url(live))  # stores the latest score

    def more():
        for n in range(20):
            CheckInFactory(partnership=live, held_on=timezone.localdate() - days(n))
            ActionItemFactory(partnership=live)
            ConcernFactory(partnership=live)
            HealthSnapshot.objects.create(
                partnership=live, day=timezone.localdate() - days(n + 1), score=50, parts=[]
            )
        # The stored score moves with these rows: store it, then count a steady page.
        client.get(url(live))

    assert_constant_queries(client, url(live), more)


def test_what_moved_is_measured_from_the_snapshot_of_the_last_review(client, bob, live):
    today = timezone.localdate()
    HeldReviewFactory(partnership=live, due_on=today - days(21), held_on=today - days(20))
    for back, score in ((40, 10), (22, 55), (10, 99)):
        HealthSnapshot.objects.create(
            partnership=live, day=today - days(back), score=score, parts=[]
        )
    CheckInFactory(partnership=live, sentiment=5)
    client.force_login(bob)
    response = client.get(url(live))
    assert response.context["base"].score == 55
    assert response.context["reviewed"] == today - days(20)
    assert "the day of the last review" in response.content.decode()
