"""What the API does, through the same services as the web: the list filters, creating and
changing partnerships, lifecycle moves refused in words, check-ins that move the due date,
measurements one at a time or all-or-nothing, action items, concerns, health, notices, the
portfolio; and every list's query count, whatever its length."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communications.models import Concern, DueDate
from config import data_version
from partnerships.models import Activity, Partnership, Stage
from reviews.models import Measurement

from ..communications.conftest import active, monthly  # noqa: F401  (fixtures)
from ..communications.factories import ActionItemFactory, CheckInFactory, ConcernFactory
from ..factories import OrganizationFactory, PartnershipFactory
from ..reviews.factories import HeldReviewFactory, KPIFactory
from .conftest import api_client, token_for

pytestmark = pytest.mark.django_db
LIST = "/api/v1/partnerships/"


def test_the_list_shows_only_the_managers_partnerships_with_the_web_filters(
    bob_api, alice, bob, bobs_partnership
):
    PartnershipFactory(executive_sponsor=alice, name="Someone else's")
    PartnershipFactory(executive_sponsor=alice, managers=[bob], name="Contoso", stage=Stage.ACTIVE)
    body = bob_api.get(LIST).json()
    assert body["count"] == 2
    assert [p["name"] for p in body["results"]] == ["Contoso", "Northwind supply"]
    assert bob_api.get(LIST, {"stage": "active"}).json()["count"] == 1
    assert bob_api.get(LIST, {"q": "north"}).json()["results"][0]["name"] == "Northwind supply"
    ordered = bob_api.get(LIST, {"ordering": "-name"}).json()["results"]
    assert ordered[0]["name"] == "Northwind supply"
    bad = bob_api.get(LIST, {"stage": "nonsense"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "stage"


def test_a_partnership_reads_with_stage_health_and_due_dates(bob_api, bobs_partnership):
    body = bob_api.get(f"{LIST}{bobs_partnership.pk}/").json()
    assert body["stage"] == "defining" and body["health"]["band"] == "unknown"
    assert body["managers"][0]["email"] == "bob@example.com"
    assert body["url"].endswith(f"/partnerships/{bobs_partnership.pk}/")
    assert "next_check_in_due" in body and "next_review_due" in body


def test_creating_and_changing_a_partnership_like_the_web_form(bob_api, alice, bob):
    organization = OrganizationFactory()
    created = bob_api.post(
        LIST,
        {"name": "Fabrikam", "type": "supply", "tier": 1, "executive_sponsor": alice.pk,
         "organization": organization.pk},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    partnership = Partnership.objects.get(name="Fabrikam")
    assert list(partnership.managers.all()) == [bob]  # whoever creates it can see it
    changed = bob_api.patch(
        f"{LIST}{partnership.pk}/", {"description": "Cheaper freight"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["description"] == "Cheaper freight"
    assert Activity.objects.filter(partnership=partnership, summary__contains="edited").exists()
    taken = bob_api.post(
        LIST,
        {"name": "FABRIKAM", "type": "supply", "executive_sponsor": alice.pk},
        format="json",
    )
    assert taken.status_code == 422 and taken.json()["errors"][0]["attr"] == "name"
    wrong = bob_api.post(
        LIST, {"name": "X", "type": "nope", "executive_sponsor": bob.pk}, format="json"
    )
    assert wrong.status_code == 400
    assert {e["attr"] for e in wrong.json()["errors"]} == {"type", "executive_sponsor"}


def test_a_move_goes_through_the_lifecycle_and_a_closed_gate_says_what_is_missing(
    bob_api, bobs_partnership
):
    response = bob_api.post(
        f"{LIST}{bobs_partnership.pk}/move/", {"to_stage": "agreeing"}, format="json"
    )
    assert response.status_code == 422
    response = bob_api.post(
        f"{LIST}{bobs_partnership.pk}/move/", {"to_stage": "selecting"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["detail"]  # the gate's missing conditions in words
    ended = bob_api.post(f"{LIST}{bobs_partnership.pk}/move/", {"to_stage": "ended"}, format="json")
    assert ended.status_code == 403
    assert "executive" in ended.json()["errors"][0]["detail"]


def test_logging_a_check_in_moves_the_due_date_as_the_web_does(active, bob):  # noqa: F811
    client = api_client(token_for(bob))
    today = timezone.localdate()
    response = client.post(
        f"{LIST}{active.pk}/check-ins/",
        {"held_on": today.isoformat(), "summary": "Volumes fine", "sentiment": 4,
         "attendees": [bob.pk], "topics": ["volumes"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    active.refresh_from_db()
    assert active.next_check_in_due == active.check_in_cadence.next_due(today)
    assert DueDate.objects.filter(partnership=active).exists()
    outsider = client.post(
        f"{LIST}{active.pk}/check-ins/",
        {"held_on": today.isoformat(), "summary": "x", "sentiment": 3, "attendees": [999999]},
        format="json",
    )
    assert outsider.status_code == 422 and outsider.json()["errors"][0]["attr"] == "attendees"


def test_measurements_one_or_a_batch_all_or_nothing(bob_api, bobs_partnership):
    kpi = KPIFactory(partnership=bobs_partnership)
    one = bob_api.post(
        f"{LIST}{bobs_partnership.pk}/kpis/{kpi.pk}/measurements/",
        {"period": "2026-10-15", "value": "91.5"},
        format="json",
    )
    assert one.status_code == 201 and one.json()["period"] == "2026-10-01"
    batch = f"{LIST}{bobs_partnership.pk}/measurements/batch/"
    refused = bob_api.post(
        batch,
        {"measurements": [
            {"kpi": kpi.pk, "period": "2026-09-10", "value": 90},
            {"kpi": kpi.pk, "period": "2026-10-20", "value": 92},  # October is taken
            {"kpi": 999999, "period": "2026-08-01", "value": 1},
        ]},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 422
    attrs = {e["attr"] for e in refused.json()["errors"]}
    assert {"measurements.1", "measurements.2.kpi"} <= attrs or {
        "measurements.1.period",
        "measurements.2.kpi",
    } <= attrs
    assert Measurement.objects.filter(kpi=kpi).count() == 1  # nothing of the batch
    accepted = bob_api.post(
        batch,
        {"measurements": [
            {"kpi": kpi.pk, "period": "2026-09-10", "value": 90},
            {"kpi": kpi.pk, "period": "2026-08-10", "value": 88},
        ]},
        format="json",
    )  # fmt: skip
    assert accepted.status_code == 201 and len(accepted.json()) == 2
    kpis = bob_api.get(f"{LIST}{bobs_partnership.pk}/kpis/").json()["results"]
    assert kpis[0]["latest"]["value"] == Decimal("91.5") or kpis[0]["latest"]["value"] == 91.5


def test_action_items_are_created_listed_and_closed(active, bob):  # noqa: F811
    client = api_client(token_for(bob))
    base = f"{LIST}{active.pk}/action-items/"
    created = client.post(base, {"title": "Send volumes", "owner": bob.pk}, format="json")
    assert created.status_code == 201, created.json()
    closed = client.post(f"{base}{created.json()['id']}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    assert client.get(base, {"status": "done"}).json()["count"] == 1
    foreign = client.post(base, {"title": "x", "owner_contact": 999999}, format="json")
    assert foreign.status_code == 422


def test_concerns_are_raised_acknowledged_and_resolved(active, bob):  # noqa: F811
    client = api_client(token_for(bob))
    base = f"{LIST}{active.pk}/concerns/"
    raised = client.post(base, {"title": "Late deliveries", "severity": "high"}, format="json")
    assert raised.status_code == 201, raised.json()
    concern = Concern.objects.get()
    assert concern.respond_by > concern.raised_at  # on the response clock
    assert client.post(f"{base}{concern.pk}/acknowledge/").json()["acknowledged_at"]
    resolved = client.post(
        f"{base}{concern.pk}/resolve/", {"resolution": "New carrier"}, format="json"
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    again = client.post(f"{base}{concern.pk}/acknowledge/")
    assert again.status_code == 422 and "already resolved" in again.json()["errors"][0]["detail"]


def test_health_notices_and_the_portfolio(bob_api, bob, bobs_partnership):
    from portfolio.services import refresh_health

    refresh_health()
    health = bob_api.get(f"{LIST}{bobs_partnership.pk}/health/")
    assert health.status_code == 200 and "parts" in health.json()
    assert bob_api.get("/api/v1/notices/").status_code == 200
    summary = bob_api.get("/api/v1/portfolio/").json()
    assert summary["partnerships"] == 1 and summary["by_stage"]["defining"] == 1


# Constant queries ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    data_version.drop()  # the queries of an answer read anew, not of one from the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 100})
        assert response.status_code == 200, response.content[:300]
    return len(captured)


def _grow(partnership, n: int) -> None:
    for _ in range(n):
        KPIFactory(partnership=partnership)
        CheckInFactory(partnership=partnership)
        ActionItemFactory(partnership=partnership)
        ConcernFactory(partnership=partnership)
        HeldReviewFactory(partnership=partnership)


def test_every_list_runs_the_same_queries_whatever_its_length(alice, bob, bobs_partnership):
    client = api_client(token_for(alice))
    p = bobs_partnership.pk
    lists = [
        LIST, "/api/v1/organizations/", "/api/v1/contacts/", "/api/v1/notices/",
        f"{LIST}{p}/objectives/", f"{LIST}{p}/kpis/", f"{LIST}{p}/check-ins/",
        f"{LIST}{p}/action-items/", f"{LIST}{p}/concerns/", f"{LIST}{p}/reviews/",
    ]  # fmt: skip
    _grow(bobs_partnership, 5)
    for _ in range(5):
        PartnershipFactory(executive_sponsor=alice, managers=[bob])
    for url in lists:  # the first read creates the health settings' row
        _queries(client, url)
    few = {url: _queries(client, url) for url in lists}
    # 5 rows, then 500 (a page shows 100 of them)
    _grow(bobs_partnership, 495)
    for _ in range(495):
        PartnershipFactory(executive_sponsor=alice, managers=[bob])
    many = {url: _queries(client, url) for url in lists}
    assert many == few


def test_a_page_size_or_a_yes_no_filter_it_cannot_read_is_a_400_naming_it(
    bob_api, bobs_partnership
):
    for query, attr in (
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
    ):
        answer = bob_api.get(LIST, query)
        assert answer.status_code == 400 and answer.json()["errors"][0]["attr"] == attr
    assert bob_api.get(LIST, {"page_size": 100}).status_code == 200
    check_ins = f"{LIST}{bobs_partnership.pk}/check-ins/"
    for value, status in (("yes", 400), ("null", 400), ("true", 200), ("false", 200), ("", 200)):
        assert bob_api.get(check_ins, {"shared": value}).status_code == status, value
    unread = bob_api.get("/api/v1/notices/", {"unread": "maybe"}).json()["errors"]
    assert unread == [{"code": "invalid", "detail": "Use true or false.", "attr": "unread"}]


def test_a_path_no_route_matches_is_a_json_404_under_the_api_and_a_page_elsewhere(bob_api, client):
    answer = bob_api.get(f"{LIST}abc/")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json()["errors"][0]["code"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
