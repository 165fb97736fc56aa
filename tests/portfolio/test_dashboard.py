import datetime
import re

import pytest
from django.utils import timezone

from partnerships.models import Stage
from portfolio import services
from portfolio.models import HealthSettings, PartnershipHealth
from tests import factories
from tests.communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from tests.healthcheck.factories import closed_row
from tests.helpers import assert_constant_queries
from tests.planning.factories import OpportunityFactory, achieved

from .conftest import live_partnership

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def scored(score: int | None, reason: str = "", **fields):
    partnership = live_partnership(**fields)
    PartnershipHealth.objects.create(
        partnership=partnership, score=score, reason=reason, parts=[], computed_at=timezone.now()
    )
    return partnership


# The home page ------------------------------------------------------------------------------------


def test_executives_and_partner_managers_land_on_the_dashboard(client, alice, bob, admin_user):
    for user in (alice, bob):
        client.force_login(user)
        assert client.get("/")["Location"] == "/dashboard/"
    client.force_login(admin_user)
    assert client.get("/")["Location"] == "/admin/"


def test_the_dashboard_is_the_first_item_of_the_navigation(client, alice):
    client.force_login(alice)
    body = client.get("/dashboard/").content.decode()
    nav = body[body.index('aria-label="Main"') :]
    assert nav.index(">Dashboard<") < nav.index(">Partnerships<")
    assert 'aria-current="page" >Dashboard' in nav or 'active" href="/dashboard/"' in nav


def test_a_partner_manager_sees_my_partnerships_with_their_own_facts_only(client, bob, charlie):
    mine = scored(40, "Cadence compliance: 2 of 6 on time.", name="Mine", managers=[bob])
    scored(10, "Theirs is worse.", name="Theirs", managers=[charlie])
    client.force_login(bob)
    response = client.get("/dashboard/")
    body = response.content.decode()
    assert '<h1 class="h3 mb-0">My partnerships</h1>' in body
    assert "Mine" in body and "Theirs" not in body and "Theirs is worse." not in body
    assert [h.partnership for h in response.context["d"].weakest] == [mine]


def test_the_five_weakest_come_with_their_reason(client, alice):
    for score in (90, 15, 55, 30, 70, 45, 80):
        scored(score, f"Reason for {score}.", name=f"P{score}")
    client.force_login(alice)
    response = client.get("/dashboard/")
    weakest = response.context["d"].weakest
    assert [h.score for h in weakest] == [15, 30, 45, 55, 70]
    body = response.content.decode()
    assert "Reason for 15." in body and "Reason for 90." not in body


def test_health_bands_stage_counts_and_figures_link_to_the_lists_behind_them(client, alice):
    scored(20, name="Red")
    scored(60, name="Amber")
    scored(90, name="Green")
    live_partnership(name="Unscored")
    factories.PartnershipFactory(name="Early", stage=Stage.DEFINING)
    client.force_login(alice)
    response = client.get("/dashboard/")
    d = response.context["d"]
    assert d.band_counts == {"healthy": 1, "watch": 1, "at_risk": 1, "unknown": 1}
    assert dict((s, n) for s, _, n in d.stage_counts)["active"] == 4
    body = response.content.decode()
    for link in (
        "/dashboard/health/?band=at_risk",
        "/dashboard/health/?band=watch",
        "/dashboard/health/?band=healthy",
        "/dashboard/due/?kind=check_ins",
        "/dashboard/due/?kind=reviews",
        "/dashboard/due/?kind=actions",
        "/dashboard/due/?kind=concerns",
        "/dashboard/due/?kind=notice",
        "/successes/?days=90",
        "/opportunities/?horizon=next_quarter",
        "/partnerships/?stage=active",
        "/partnerships/?stage=defining",
    ):
        assert f'href="{link}"' in body, link
    # Each list answers with the rows its figure counted.
    at_risk = client.get("/dashboard/health/?band=at_risk").context["partnerships"]
    assert [p.name for p in at_risk] == ["Red"]
    unknown = client.get("/dashboard/health/?band=unknown").context["partnerships"]
    assert [p.name for p in unknown] == ["Unscored"]


def test_what_is_due_or_overdue_this_week_is_counted_and_listed(client, alice):
    today = timezone.localdate()
    late = live_partnership(name="Late", next_check_in_due=today - days(2))
    live_partnership(name="Calm", next_check_in_due=today + days(30))
    ActionItemFactory(partnership=late, due_on=today - days(1))
    ActionItemFactory(partnership=late, due_on=today + days(40))
    ConcernFactory(partnership=late, raised_at=timezone.now() - days(2))
    client.force_login(alice)
    due = {item["kind"]: item for item in client.get("/dashboard/").context["d"].due}
    assert (due["check_ins"]["count"], due["check_ins"]["overdue"]) == (1, 1)
    assert (due["actions"]["count"], due["actions"]["overdue"]) == (1, 1)
    assert due["concerns"]["count"] == 1
    rows = client.get("/dashboard/due/?kind=check_ins").context["rows"]
    assert [p.name for p in rows] == ["Late"]
    assert len(client.get("/dashboard/due/?kind=actions").context["rows"]) == 1
    assert len(client.get("/dashboard/due/?kind=concerns").context["rows"]) == 1
    assert client.get("/dashboard/due/?kind=anything").status_code == 404


def test_successes_opportunities_and_the_value_chart_data(client, alice):
    p = scored(65, name="Valuable")
    achieved(p, title="Second hub live", value_amount=100000, value_unit="€")
    achieved(p, title="300 doors", value_amount=300, value_unit="doors")
    OpportunityFactory(partnership=p, estimated_value=50000, horizon="next_quarter")
    OpportunityFactory(partnership=p, estimated_value=70000, status="declined",
                       declined_reason="No.")  # fmt: skip
    client.force_login(alice)
    response = client.get("/dashboard/")
    d = response.context["d"]
    assert d.success_count == 2
    assert [h["count"] for h in d.horizons] == [1, 0, 0]
    assert d.points == [{"x": 65, "y": 150000.0, "name": "Valuable", "id": p.pk}]
    assert response.context["d"].charts["url"] == "/partnerships/{id}/"
    body = response.content.decode()
    assert 'id="portfolio-charts" type="application/json"' in body
    assert "<script>" not in body.replace('<script src="', "")  # no inline script
    assert re.search(
        r"Value: the estimated value of open opportunities plus the realised value", body
    )


def test_the_value_chart_plots_the_most_valuable_and_says_how_many_it_leaves(
    client, alice, monkeypatch
):
    monkeypatch.setattr("portfolio.selectors.VALUE_POINTS", 2)
    for name, value in [("Small", 10), ("Large", 900), ("Middle", 500)]:
        OpportunityFactory(partnership=scored(50, name=name), estimated_value=value)
    client.force_login(alice)
    response = client.get("/dashboard/")
    d = response.context["d"]
    assert sorted(p["name"] for p in d.points) == ["Large", "Middle"]
    assert d.points_total == 3
    note = re.search(r'data-testid="value-chart-cap">(.*?)</p>', response.content.decode())[1]
    assert note.startswith("The 2 most valuable of 3 live partnerships")

    monkeypatch.setattr("portfolio.selectors.VALUE_POINTS", 4)
    scored(50, name="Another")  # a write: the cached dashboard is rendered anew
    response = client.get("/dashboard/")
    assert len(response.context["d"].points) == 4
    assert "value-chart-cap" not in response.content.decode()


def test_the_dashboard_renders_in_the_same_number_of_queries_for_few_and_many(client, alice, bob):
    def some(n: int) -> None:
        for i in range(n):
            p = live_partnership(managers=[bob], executive_sponsor=alice)
            CheckInFactory(partnership=p)
            ActionItemFactory(partnership=p, due_on=timezone.localdate() - days(1))
            ConcernFactory(partnership=p)
            achieved(p)
            OpportunityFactory(partnership=p, horizon=["next_quarter", "later"][i % 2])
            closed_row(p, theirs=str(2 + i % 3))
            factories.PartnershipFactory(stage=[Stage.DEFINING, Stage.ENDED][i % 2],
                                         ended_reason="Done.", managers=[bob])  # fmt: skip
        services.refresh_health()

    some(2)
    for user in (alice, bob):
        client.force_login(user)
        assert_constant_queries(client, "/dashboard/", lambda: some(12))


def test_the_lists_behind_the_figures_render_in_fixed_queries(client, alice):
    def some(n: int) -> None:
        today = timezone.localdate()
        for _ in range(n):
            p = scored(30, next_check_in_due=today - days(1), next_review_due=today)
            ActionItemFactory(partnership=p, due_on=today)
            ConcernFactory(partnership=p, raised_at=timezone.now() - days(2))
            signed_with_notice_in(p, days(30))

    some(1)
    client.force_login(alice)
    for kind in ("all", "check_ins", "reviews", "actions", "concerns", "notice"):
        url = f"/dashboard/due/?kind={kind}"
        assert_constant_queries(client, url, lambda: some(30))
    assert_constant_queries(client, "/dashboard/health/?band=at_risk", lambda: some(30))


def signed_with_notice_in(partnership, delta: datetime.timedelta):
    from tests.planning.conftest import signed

    return signed(partnership, expiry=timezone.localdate() + delta + days(90), notice_days=90)


def test_the_weekly_digest_lists_partnerships_at_risk_with_their_reason(alice, charlie):
    from portfolio.digest import at_risk

    scored(20, "Cadence compliance: 1 of 6 on time.", name="Shaky")
    scored(80, name="Fine")
    items = at_risk(alice, timezone.localdate())
    assert [(i.title, i.detail) for i in items] == [
        ("Shaky · health 20", "Cadence compliance: 1 of 6 on time.")
    ]
    assert at_risk(charlie, timezone.localdate()) == []
    assert HealthSettings.load().at_risk_below == 50


def test_the_due_this_week_figure_opens_a_list_of_everything_it_counts(client, alice, bob):
    from tests.reviews.factories import ReviewFactory

    today = timezone.localdate()
    late = live_partnership(name="Late", next_check_in_due=today - days(2), managers=[bob])
    reviewed = live_partnership(name="Reviewed", next_review_due=today)
    scheduled = ReviewFactory(partnership=reviewed, due_on=today)
    unscheduled = live_partnership(name="Unscheduled", next_review_due=today - days(3))
    action = ActionItemFactory(partnership=late, title="Send the forecast", due_on=today)
    ActionItemFactory(partnership=late, due_on=today + days(40))  # not this week
    concern = ConcernFactory(partnership=late, title="Late deliveries",
                             raised_at=timezone.now() - days(2))  # fmt: skip
    client.force_login(alice)
    dashboard = client.get("/dashboard/")
    assert 'href="/dashboard/due/?kind=all"' in dashboard.content.decode()
    total = dashboard.context["d"].due_total
    response = client.get("/dashboard/due/?kind=all")
    assert response.context["paginator"].count == total == 5
    rows = {(r["row_kind"], r["title"]): r["url"] for r in response.context["rows"]}
    assert rows == {
        ("check_in", "Hold and log the check-in"): f"/partnerships/{late.pk}/tab/communication/",
        ("review", "Hold the scheduled review"): scheduled.get_absolute_url(),
        ("review", "Schedule the review"): (
            f"/partnerships/{unscheduled.pk}/performance/reviews/new/"
        ),
        ("action", "Send the forecast"): action.get_absolute_url(),
        ("concern", "Late deliveries"): concern.get_absolute_url(),
    }
    assert client.get("/dashboard/due/").context["kind"] == "all"
    # A manager's list holds only their partnerships, as their figure does.
    client.force_login(bob)
    mine = client.get("/dashboard/due/?kind=all")
    assert mine.context["paginator"].count == client.get("/dashboard/").context["d"].due_total
    assert {r["row_partnership_name"] for r in mine.context["rows"]} == {"Late"}


def test_the_due_reviews_link_to_the_review_itself(client, alice):
    from tests.reviews.factories import ReviewFactory

    today = timezone.localdate()
    reviewed = live_partnership(name="Reviewed", next_review_due=today)
    scheduled = ReviewFactory(partnership=reviewed, due_on=today)
    unscheduled = live_partnership(name="Unscheduled", next_review_due=today)
    client.force_login(alice)
    body = client.get("/dashboard/due/?kind=reviews").content.decode()
    assert f'href="{scheduled.get_absolute_url()}"' in body
    assert f'href="/partnerships/{unscheduled.pk}/performance/reviews/new/"' in body
    assert f'href="/partnerships/{reviewed.pk}/">Reviewed' not in body
