"""The data version (config/data_version.py) that the cached bodies of the dashboard, the
partnership list, the workspace's overview and the API's list are keyed on: every write Django
makes to Accord's tables drops it, at once and again at commit; and what the cached pages read
is only what it watches."""

import datetime
import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Action, AuditEvent
from communications.models import Concern, Party
from config import data_version
from partnerships import services
from partnerships.models import Partnership, Stage
from portfolio.models import PartnershipHealth

from . import factories
from .api.conftest import api_client, token_for
from .communications.conftest import active, monthly  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_every_kind_of_write_to_a_watched_table_drops_the_token(bobs_partnership, alice):
    writes = [
        lambda: services.record_activity(partnership=bobs_partnership, kind="note", summary="x"),
        lambda: Partnership.objects.filter(pk=bobs_partnership.pk).update(tier=3),
        lambda: factories.ContactFactory.create_batch(2),
        lambda: bobs_partnership.managers.remove(alice),
        lambda: connection.cursor().execute(
            "UPDATE partnerships_partnership SET description = 'raw' WHERE id = %s",
            [bobs_partnership.pk],
        ),
        lambda: bobs_partnership.activities.all().delete(),
    ]
    for write in writes:
        before = data_version.token()
        write()
        assert data_version.token() != before


def test_reads_and_bookkeeping_leave_the_token_alone(bobs_partnership, alice):
    before = data_version.token()
    list(Partnership.objects.select_for_update().filter(pk=bobs_partnership.pk))
    AuditEvent.objects.create(action=Action.SIGN_IN_FAILED)
    connection.cursor().execute("SELECT 1")
    assert data_version.token() == before


@pytest.mark.django_db(transaction=True)
def test_the_token_is_dropped_again_when_the_write_commits(bobs_partnership):
    with transaction.atomic():
        Partnership.objects.filter(pk=bobs_partnership.pk).update(tier=2)
        Partnership.objects.filter(pk=bobs_partnership.pk).update(tier=3)
        # Another request could take this token now and read the data as it was before commit.
        during = data_version.token()
        drops = [f for _, f, _ in connection.run_on_commit if f is data_version.drop]
        assert len(drops) == 1, "one drop at commit, however many writes"
    assert data_version.token() != during


@pytest.mark.django_db(transaction=True)
def test_a_write_in_another_thread_drops_the_token_for_this_one(bobs_partnership):
    before = data_version.token()

    def elsewhere():
        try:
            with transaction.atomic():
                Partnership.objects.filter(pk=bobs_partnership.pk).update(tier=2)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert data_version.token() != before


def fragment_tables(client: Client, url: str) -> set[str]:
    """The tables a page reads only while it renders its cached body."""

    def tables() -> set[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return {t for q in queries for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])}

    data_version.drop()
    cold = tables()
    warm = tables()
    return cold - warm


def test_what_the_cached_pages_read_is_watched(client, alice, bob, monthly):  # noqa: F811
    org = factories.OrganizationFactory()
    read: dict[str, set[str]] = {}
    for stage in [*Stage.values]:
        p = factories.PartnershipFactory(
            stage=stage,
            organization=org,
            executive_sponsor=alice,
            managers=[bob],
            ended_reason="Wound down" if stage == Stage.ENDED else "",
        )
        for user in (alice, bob):
            client.force_login(user)
            read[f"overview {stage} as {user}"] = fragment_tables(client, p.get_absolute_url())
    for user in (alice, bob):
        client.force_login(user)
        read[f"dashboard as {user}"] = fragment_tables(client, "/dashboard/")
        read[f"list as {user}"] = fragment_tables(client, "/partnerships/?stage=active")

    assert "partnerships_activity" in read["overview active as Bob Brown"]
    assert "portfolio_partnershiphealth" in read["dashboard as Alice Ashby"]
    assert "partnerships_partnership_managers" in read["list as Bob Brown"]
    assert {"partnerships_partnership", "accounts_user_groups"} <= data_version.watched()
    for page, tables in read.items():
        assert tables <= data_version.watched(), (page, tables - data_version.watched())


# What the pages show is new on the next request -------------------------------------------------


def test_the_dashboard_shows_any_change_on_the_next_request(client, alice, active):  # noqa: F811
    client.force_login(alice)
    page = lambda: client.get("/dashboard/").content.decode()  # noqa: E731
    assert "Northwind supply" in page()
    services.partnership_update(partnership=active, by=alice, name="Northwind logistics")
    assert "Northwind logistics" in page()

    PartnershipHealth.objects.update_or_create(
        partnership=active, defaults={"score": 12, "computed_at": timezone.now()}
    )
    assert re.search(r'data-testid="at-risk-count">1<', page())
    PartnershipHealth.objects.filter(partnership=active).update(score=90)  # no signal sees it
    assert re.search(r'data-testid="at-risk-count">0<', page())


def past_target(html: str) -> int:
    return int(
        re.search(r'Concerns past target</a>\s*<span><span class="fw-semibold">(\d+)', html)[1]
    )


def test_a_concern_running_out_of_time_shows_with_nothing_written(client, alice, active):  # noqa: F811
    client.force_login(alice)
    now = timezone.now()
    Concern.objects.create(
        partnership=active,
        title="Late invoices",
        created_by=alice,
        raised_by=Party.PARTNER,
        respond_by=now + datetime.timedelta(seconds=2),
        resolve_by=now + datetime.timedelta(days=3),
    )
    assert past_target(client.get("/dashboard/").content.decode()) == 0
    time.sleep(2.5)
    assert past_target(client.get("/dashboard/").content.decode()) == 1


def test_the_overview_shows_any_change_on_the_next_request(client, bob, active):  # noqa: F811
    client.force_login(bob)
    page = lambda: client.get(active.get_absolute_url()).content.decode()  # noqa: E731
    assert "Nothing has happened yet" in page()
    services.record_activity(partnership=active, kind="note", summary="Kick-off booked")
    assert "Kick-off booked" in page()
    Partnership.objects.filter(pk=active.pk).update(description="Freight across the Baltic")
    assert "Freight across the Baltic" in page()
    bob.full_name = "Robert Brown"
    bob.save()
    assert "Robert Brown" in page()


def test_a_cached_workspace_still_asks_who_may_see_it(client, alice, bob, active):  # noqa: F811
    url = active.get_absolute_url()
    client.force_login(bob)
    client.get(url)
    page = client.get(url)  # served from the cache
    assert "cached_body" in page.context and "Northwind supply" in page.content.decode()
    Partnership.objects.filter(pk=active.pk).update(name="Northwind logistics")
    page = client.get(url).content.decode()
    assert "<title>Northwind logistics" in page and "Northwind supply" not in page

    client.force_login(factories.manager())  # not one of its managers
    assert client.get(url).status_code == 404
    client.force_login(alice)  # another viewer: a body of her own
    assert "cached_body" not in client.get(url).context


def test_a_tab_loaded_alone_is_never_the_cached_page(client, bob, active):  # noqa: F811
    client.force_login(bob)
    url = active.get_absolute_url()
    client.get(url)
    tab = client.get(url, headers={"HX-Request": "true"})
    assert tab.templates[0].name == "partnerships/_workspace_body.html"
    assert "<html" not in tab.content.decode() and "Lifecycle" in tab.content.decode()
    assert "<html" in client.get(url).content.decode()


def test_each_session_gets_forms_it_can_post(bob, active):  # noqa: F811
    for _ in range(2):  # the second session must not be served the first one's CSRF token
        client = Client(enforce_csrf_checks=True)
        client.force_login(bob)
        html = client.get(active.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        response = client.post(
            f"/partnerships/{active.pk}/move/",
            {"csrfmiddlewaretoken": token, "to_stage": "renewing", "note": ""},
        )
        assert response.status_code == 302


def test_the_api_list_answers_any_change_on_the_next_request(bob, active):  # noqa: F811
    api = api_client(token_for(bob, read_only=True))
    names = lambda: [p["name"] for p in api.get("/api/v1/partnerships/").json()["results"]]  # noqa: E731
    assert names() == ["Northwind supply"]
    Partnership.objects.filter(pk=active.pk).update(name="Northwind logistics")
    assert names() == ["Northwind logistics"]
    active.managers.remove(bob)
    assert names() == []
    assert api.get("/api/v1/partnerships/?stage=active").json()["count"] == 0


def test_what_the_api_list_reads_is_watched(bob, active):  # noqa: F811
    api = api_client(token_for(bob, read_only=True))

    def tables() -> set[str]:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/partnerships/?stage=active").status_code == 200
        return {t for q in queries for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])}

    data_version.drop()
    read = tables() - tables()
    assert "portfolio_partnershiphealth" in read
    assert read <= data_version.watched(), read - data_version.watched()
