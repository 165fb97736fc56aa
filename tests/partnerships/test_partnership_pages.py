import csv
import io

import pytest

from partnerships.models import Partnership, Stage, Transition
from reminders.models import Cadence

from ..factories import OrganizationFactory, PartnershipFactory, executive, manager
from ..helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [p.name for p in response.context["partnerships"]]


def test_a_partner_manager_lists_only_their_partnerships(client, bobs_partnership, bob, charlie):
    PartnershipFactory(name="Charlie's deal", managers=[charlie])
    client.force_login(bob)
    response = client.get("/partnerships/")
    assert _names(response) == ["Northwind supply"]
    assert "Charlie's deal" not in response.content.decode()


def test_an_executive_lists_every_partnership(client, alice, bobs_partnership, charlie):
    PartnershipFactory(name="Charlie's deal", managers=[charlie])
    client.force_login(alice)
    assert _names(client.get("/partnerships/")) == ["Charlie's deal", "Northwind supply"]


def test_the_list_filters_by_stage_type_tier_and_manager(client, alice, bob, charlie):
    PartnershipFactory(name="A", stage=Stage.ACTIVE, type="supply", tier=1, managers=[bob])
    PartnershipFactory(name="B", stage=Stage.ACTIVE, type="research", tier=2, managers=[charlie])
    PartnershipFactory(name="C", stage=Stage.DEFINING, type="supply", tier=1, managers=[bob])
    client.force_login(alice)
    assert _names(client.get("/partnerships/?stage=active")) == ["A", "B"]
    assert _names(client.get("/partnerships/?type=supply&tier=1")) == ["A", "C"]
    assert _names(client.get(f"/partnerships/?manager={charlie.pk}")) == ["B"]
    assert _names(client.get(f"/partnerships/?manager={bob.pk}&stage=defining")) == ["C"]


def test_the_list_searches_names_and_partners_and_sorts(client, alice):
    acme = OrganizationFactory(name="Acme Robotics")
    PartnershipFactory(name="Warehouse automation", organization=acme, tier=3)
    PartnershipFactory(name="Acme-free pilot", tier=1)
    PartnershipFactory(name="Other", tier=2)
    client.force_login(alice)
    found = _names(client.get("/partnerships/?q=acme"))
    assert found == ["Acme-free pilot", "Warehouse automation"]
    assert _names(client.get("/partnerships/?sort=tier")) == [
        "Acme-free pilot",
        "Other",
        "Warehouse automation",
    ]


def test_a_bad_filter_value_shows_nothing_rather_than_everything(client, alice, bobs_partnership):
    client.force_login(alice)
    response = client.get("/partnerships/?stage=paused")
    assert response.status_code == 200
    assert _names(response) == []


def test_the_list_paginates_by_25(client, alice):
    PartnershipFactory.create_batch(30)
    client.force_login(alice)
    first = client.get("/partnerships/")
    assert len(first.context["partnerships"]) == 25
    assert "1–25 of 30" in first.content.decode()
    assert len(client.get("/partnerships/?page=2").context["partnerships"]) == 5


def test_the_list_counts_what_it_shows_filtered_sorted_or_refused(client, alice, bob):
    PartnershipFactory.create_batch(27, stage=Stage.ACTIVE)
    PartnershipFactory.create_batch(3, stage=Stage.DEFINING, managers=[bob])
    client.force_login(alice)
    sorted_page = client.get("/partnerships/?sort=tier&page=2")
    assert sorted_page.context["paginator"].count == 30
    assert len(sorted_page.context["partnerships"]) == 5
    assert client.get("/partnerships/?stage=defining").context["paginator"].count == 3
    refused = client.get("/partnerships/?sort=bogus")
    assert refused.context["paginator"].count == 0
    assert _names(refused) == []
    assert "No partnership matches these filters." in refused.content.decode()
    client.force_login(bob)
    assert client.get("/partnerships/").context["paginator"].count == 3


def test_the_list_shows_what_to_do_when_empty(client, bob):
    client.force_login(bob)
    body = client.get("/partnerships/").content.decode()
    assert "You do not manage any partnership yet" in body


def test_the_csv_export_holds_the_filtered_rows_the_user_may_see(client, bob, charlie):
    PartnershipFactory(name="Bob active", stage=Stage.ACTIVE, managers=[bob])
    PartnershipFactory(name="Bob defining", managers=[bob])
    PartnershipFactory(name="Charlie active", stage=Stage.ACTIVE, managers=[charlie])
    client.force_login(bob)
    response = client.get("/partnerships/export.csv?stage=active")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Name", "Stage"]
    assert [r[0] for r in rows[1:]] == ["Bob active"]
    assert rows[1][6] == "Bob Brown"


def test_the_csv_export_lists_every_manager_across_chunks(client, alice, bob, charlie, monkeypatch):
    from partnerships.views import PartnershipExportView

    monkeypatch.setattr(PartnershipExportView, "chunk_size", 2)  # rows cross chunk boundaries
    dana = manager(full_name="Dana Diaz")
    for i in range(5):
        PartnershipFactory(name=f"Deal {i}", managers=[dana, bob] if i % 2 else [charlie])
    client.force_login(alice)
    response = client.get("/partnerships/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(r[0], r[6]) for r in rows[1:]] == [
        ("Deal 0", "Charlie Chen"),
        ("Deal 1", "Bob Brown; Dana Diaz"),
        ("Deal 2", "Charlie Chen"),
        ("Deal 3", "Bob Brown; Dana Diaz"),
        ("Deal 4", "Charlie Chen"),
    ]


def test_the_manager_filter_offers_partner_managers_and_keeps_a_managers_own_scope(
    client, alice, bob, charlie
):
    PartnershipFactory(name="Bob's", managers=[bob])
    PartnershipFactory(name="Shared", managers=[bob, charlie])
    PartnershipFactory(name="Charlie's", managers=[charlie])
    client.force_login(alice)
    html = client.get(f"/partnerships/?manager={charlie.pk}").content.decode()
    assert f'<option value="{charlie.pk}" selected>Charlie Chen</option>' in html
    assert f'<option value="{bob.pk}">Bob Brown</option>' in html
    assert "Alice" not in html.split('name="manager"')[1].split("</select>")[0]  # an executive
    client.force_login(bob)
    assert _names(client.get(f"/partnerships/?manager={charlie.pk}")) == ["Shared"]


def test_a_manager_creates_a_partnership_and_manages_it(client, alice, bob):
    client.force_login(bob)
    response = client.post(
        "/partnerships/new/",
        {"name": "Route optimisation", "type": "technology", "tier": "2",
         "executive_sponsor": alice.pk},
    )  # fmt: skip
    partnership = Partnership.objects.get(name="Route optimisation")
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{partnership.pk}/"
    assert list(partnership.managers.all()) == [bob]


def test_the_create_form_says_what_is_wrong_and_keeps_the_input(client, alice, bobs_partnership):
    client.force_login(alice)
    response = client.post(
        "/partnerships/new/",
        {"name": "northwind SUPPLY", "type": "space", "tier": "2", "description": "Kept text"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "A partnership with this name already exists." in body
    assert "Select a valid choice" in body
    assert "This field is required" in body  # the sponsor
    assert "Kept text" in body
    assert Partnership.objects.count() == 1


def test_only_executives_can_be_sponsors_and_only_managers_managers(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        "/partnerships/new/",
        {"name": "X", "type": "supply", "tier": "1", "executive_sponsor": bob.pk,
         "managers": [alice.pk]},
    )  # fmt: skip
    form = response.context["form"]
    assert set(form.errors) == {"executive_sponsor", "managers"}


def test_a_manager_edits_their_partnership(client, bobs_partnership, bob):
    client.force_login(bob)
    monthly = Cadence.objects.get(name="Monthly check-in")
    response = client.post(
        f"/partnerships/{bobs_partnership.pk}/edit/",
        {"name": "Northwind supply", "type": "supply", "tier": "1",
         "executive_sponsor": bobs_partnership.executive_sponsor_id, "managers": [bob.pk],
         "check_in_cadence": monthly.pk, "start_date": "2026-03-01"},
    )  # fmt: skip
    assert response.status_code == 302
    bobs_partnership.refresh_from_db()
    assert (bobs_partnership.type, bobs_partnership.tier) == ("supply", 1)
    assert bobs_partnership.check_in_cadence == monthly


def test_a_review_cadence_cannot_be_used_for_check_ins(client, bobs_partnership, bob):
    client.force_login(bob)
    qbr = Cadence.objects.get(name="Quarterly business review")
    response = client.post(
        f"/partnerships/{bobs_partnership.pk}/edit/",
        {"name": "Northwind supply", "type": "supply", "tier": "1",
         "executive_sponsor": bobs_partnership.executive_sponsor_id, "check_in_cadence": qbr.pk},
    )  # fmt: skip
    assert "check_in_cadence" in response.context["form"].errors


def test_the_workspace_says_what_the_next_gate_needs(client, alice):
    p = PartnershipFactory(stage=Stage.SELECTING, executive_sponsor=alice)
    client.force_login(alice)
    body = client.get(f"/partnerships/{p.pk}/").content.decode()
    assert "Next: Agreeing" in body
    assert "Choose the partner organisation." in body


def test_moving_from_the_workspace_reports_a_closed_gate_in_words(client, alice):
    p = PartnershipFactory(stage=Stage.SELECTING, executive_sponsor=alice)
    client.force_login(alice)
    response = client.post(f"/partnerships/{p.pk}/move/", {"to_stage": "agreeing"}, follow=True)
    assert "Not yet ready for “Agreeing”: Choose the partner organisation." in (
        response.content.decode()
    )
    p.refresh_from_db()
    assert p.stage == Stage.SELECTING


def test_a_manager_cannot_end_a_partnership_from_the_workspace(client, bobs_partnership, bob):
    client.force_login(bob)
    body = client.get(f"/partnerships/{bobs_partnership.pk}/").content.decode()
    assert "End the partnership" not in body
    response = client.post(
        f"/partnerships/{bobs_partnership.pk}/move/",
        {"to_stage": "ended", "note": "Bored"},
        follow=True,
    )
    assert "Only an executive can approve this move." in response.content.decode()
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.DEFINING


def test_an_executive_ends_a_partnership_with_a_reason(client, alice, bobs_partnership):
    client.force_login(alice)
    client.post(
        f"/partnerships/{bobs_partnership.pk}/move/", {"to_stage": "ended", "note": "Merged"}
    )
    bobs_partnership.refresh_from_db()
    assert (bobs_partnership.stage, bobs_partnership.ended_reason) == ("ended", "Merged")
    assert Transition.objects.get().note == "Merged"


def test_a_workspace_tab_loads_alone_for_htmx(client, alice, bobs_partnership):
    client.force_login(alice)
    response = client.get(f"/partnerships/{bobs_partnership.pk}/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Lifecycle" in body
    assert "<html" not in body
    assert client.get(f"/partnerships/{bobs_partnership.pk}/tab/nope/").status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(client, alice):
    org = OrganizationFactory()
    PartnershipFactory(managers=[manager()], organization=org)
    client.force_login(alice)

    def add_rows():
        for _ in range(30):
            PartnershipFactory(managers=[manager(), manager()], organization=OrganizationFactory())

    assert_constant_queries(client, "/partnerships/", add_rows)
    assert_constant_queries(client, "/partnerships/?stage=defining&sort=organization", add_rows)


def test_the_list_and_the_workspace_read_outside_a_request_wide_transaction(
    client, alice, bobs_partnership
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def transactions(url: str) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SAVEPOINT")]

    client.force_login(alice)
    assert transactions("/organizations/")  # other pages keep ATOMIC_REQUESTS
    assert transactions("/partnerships/") == []
    assert transactions(bobs_partnership.get_absolute_url()) == []


def test_the_workspace_runs_a_fixed_number_of_queries(client, alice, bobs_partnership):
    client.force_login(alice)

    def add_rows():
        bobs_partnership.managers.add(*[manager() for _ in range(5)])
        for _ in range(30):
            bobs_partnership.activities.create(kind="x", summary="Something", actor=executive())
            Transition.objects.create(
                partnership=bobs_partnership, from_stage="defining", to_stage="selecting", by=alice
            )

    assert_constant_queries(client, f"/partnerships/{bobs_partnership.pk}/", add_rows)
