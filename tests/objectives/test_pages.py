from html import unescape

import pytest

from objectives.models import Alignment, Objective

from ..factories import PartnershipFactory, manager
from ..helpers import assert_constant_queries
from .factories import AlignmentFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _form(**overrides) -> dict:
    return {
        "party": "ours",
        "category": "cost_savings",
        "title": "Cut the cost per order",
        "baseline": "6.40",
        "target": "4.80",
        "unit": "€",
        "due_date": "2027-06-30",
        "priority": "high",
        "status": "not_started",
        **overrides,
    }


def test_the_objectives_tab_lists_them_by_party_with_status_and_progress(
    client, bob, bobs_partnership
):
    ObjectiveFactory(partnership=bobs_partnership, title="Cut costs", current=90, status="on_track")
    ObjectiveFactory(partnership=bobs_partnership, party="partner", title="Sell more")
    client.force_login(bob)
    response = client.get(f"/partnerships/{bobs_partnership.pk}/tab/objectives/")
    body = unescape(response.content.decode())
    ours, theirs = body.index("Our objectives <span"), body.index("The partner's objectives <span")
    assert ours < body.index('<div class="fw-semibold">Cut costs') < theirs
    assert theirs < body.index('<div class="fw-semibold">Sell more')
    assert 'aria-valuenow="50"' in body
    assert "On track" in body
    assert "Everything needed is in place" in body


def test_an_objective_is_added_inline_and_the_panel_comes_back(client, bob, bobs_partnership):
    client.force_login(bob)
    url = f"/partnerships/{bobs_partnership.pk}/objectives/new/"
    form = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form and 'hx-post="' in form

    response = client.post(url, _form(), headers=HTMX)

    assert response["HX-Retarget"] == "#objectives-panel"
    assert response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert 'id="objectives-panel"' in body
    assert "“Cut the cost per order” is saved." in body
    objective = Objective.objects.get()
    assert (objective.partnership, objective.unit, str(objective.target)) == (
        bobs_partnership,
        "€",
        "4.80",
    )


def test_a_bad_objective_comes_back_with_errors_next_to_the_fields_and_the_input_kept(
    client, bob, bobs_partnership
):
    client.force_login(bob)
    response = client.post(
        f"/partnerships/{bobs_partnership.pk}/objectives/new/",
        _form(title="", baseline="5", target="5", category="fun", description="Kept words"),
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    form = response.context["form"]
    assert set(form.errors) == {"title", "category", "target"}
    assert "The target must differ from the baseline" in body
    assert "Kept words" in body
    assert not Objective.objects.exists()


def test_an_objective_is_edited_inline(client, bob, bobs_partnership):
    objective = ObjectiveFactory(partnership=bobs_partnership, title="Cut costs")
    client.force_login(bob)
    url = f"/partnerships/{bobs_partnership.pk}/objectives/{objective.pk}/edit/"
    row = client.get(url, headers=HTMX).content.decode()
    assert row.startswith(f'<tr id="objective-{objective.pk}">')
    assert 'hx-target="closest tr"' in row

    response = client.post(
        url, _form(title="Cut costs by a quarter", status="at_risk"), headers=HTMX
    )

    assert response["HX-Retarget"] == "#objectives-panel"
    objective.refresh_from_db()
    assert (objective.title, objective.status) == ("Cut costs by a quarter", "at_risk")


def test_without_javascript_the_forms_are_pages_that_redirect_to_the_tab(
    client, bob, bobs_partnership
):
    client.force_login(bob)
    url = f"/partnerships/{bobs_partnership.pk}/objectives/new/"
    page = client.get(url).content.decode()
    assert "<html" in page and "hx-post" not in page
    response = client.post(url, _form())
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{bobs_partnership.pk}/tab/objectives/"


def test_removing_an_objective_inline_returns_the_panel(client, bob, bobs_partnership):
    objective = ObjectiveFactory(partnership=bobs_partnership, title="Old idea")
    client.force_login(bob)
    response = client.post(
        f"/partnerships/{bobs_partnership.pk}/objectives/{objective.pk}/delete/", headers=HTMX
    )
    assert "“Old idea” is removed." in response.content.decode()
    assert not Objective.objects.exists()


def test_an_objective_of_another_partnership_is_a_404(client, alice, bobs_partnership):
    elsewhere = ObjectiveFactory(partnership=PartnershipFactory())
    client.force_login(alice)
    base = f"/partnerships/{bobs_partnership.pk}/objectives/{elsewhere.pk}"
    assert client.get(f"{base}/edit/").status_code == 404
    assert client.post(f"{base}/edit/", _form()).status_code == 404
    assert client.post(f"{base}/delete/").status_code == 404
    assert Objective.objects.filter(pk=elsewhere.pk).exists()


def test_the_alignment_page_shows_the_matrix_with_badges_and_findings(
    client, bob, bobs_partnership
):
    AlignmentFactory(
        objective__partnership=bobs_partnership,
        objective__title="Cut costs",
        partner_objective__title="Premium prices",
        kind="conflicting",
    )
    client.force_login(bob)
    url = f"/partnerships/{bobs_partnership.pk}/objectives/alignment/"
    body = unescape(client.get(url).content.decode())
    assert '<th scope="row">Cut costs' in body
    assert '<th scope="col" class="text-wrap">Premium prices' in body
    assert "Conflicting</span>" in body
    assert "Conflict: our “Cut costs” works against the partner's “Premium prices”." in body


def test_linking_from_the_alignment_page(client, bob, bobs_partnership):
    ours = ObjectiveFactory(partnership=bobs_partnership, title="Cut costs")
    theirs = ObjectiveFactory(partnership=bobs_partnership, party="partner", title="Volume")
    client.force_login(bob)
    url = f"/partnerships/{bobs_partnership.pk}/objectives/alignment/link/"
    page = client.get(f"{url}?objective={ours.pk}&partner_objective={theirs.pk}")
    assert page.context["form"].initial["objective"] == str(ours.pk)

    response = client.post(
        url,
        {"objective": ours.pk, "partner_objective": theirs.pk, "kind": "aligned", "note": "Yes"},
        follow=True,
    )

    assert "“Cut costs” and “Volume” are linked: aligned." in response.content.decode()
    assert Alignment.objects.get().note == "Yes"


def test_a_link_form_refuses_objectives_of_the_wrong_side_in_words(client, bob, bobs_partnership):
    ours = ObjectiveFactory(partnership=bobs_partnership)
    other = ObjectiveFactory(partnership=bobs_partnership)
    client.force_login(bob)
    response = client.post(
        f"/partnerships/{bobs_partnership.pk}/objectives/alignment/link/",
        {"objective": ours.pk, "partner_objective": other.pk, "kind": "aligned"},
    )
    assert "partner_objective" in response.context["form"].errors
    assert not Alignment.objects.exists()


def test_editing_and_removing_a_link(client, bob, bobs_partnership):
    alignment = AlignmentFactory(objective__partnership=bobs_partnership)
    client.force_login(bob)
    base = f"/partnerships/{bobs_partnership.pk}/objectives/alignment/{alignment.pk}"
    client.post(f"{base}/edit/", {"kind": "partly", "note": "Half"})
    alignment.refresh_from_db()
    assert (alignment.kind, alignment.note) == ("partly", "Half")
    client.post(f"{base}/delete/")
    assert not Alignment.objects.exists()


def test_the_objective_pages_run_a_fixed_number_of_queries(client, alice, bobs_partnership):
    ObjectiveFactory(partnership=bobs_partnership, owner=alice)
    AlignmentFactory(objective__partnership=bobs_partnership)
    client.force_login(alice)

    def add_rows():
        for _ in range(12):
            ours = ObjectiveFactory(partnership=bobs_partnership, owner=manager(), current=90)
            theirs = ObjectiveFactory(partnership=bobs_partnership, party="partner", target=None)
            AlignmentFactory(objective=ours, partner_objective=theirs, kind="conflicting")
            ObjectiveFactory(partnership=bobs_partnership, party="shared")

    pk = bobs_partnership.pk
    assert_constant_queries(client, f"/partnerships/{pk}/tab/objectives/", add_rows)
    assert_constant_queries(client, f"/partnerships/{pk}/objectives/", add_rows)
    assert_constant_queries(client, f"/partnerships/{pk}/objectives/alignment/", add_rows)


def test_the_objectives_list_paginates(client, alice, bobs_partnership):
    ObjectiveFactory.create_batch(30, partnership=bobs_partnership)
    client.force_login(alice)
    url = f"/partnerships/{bobs_partnership.pk}/objectives/"
    assert len(client.get(url).context["objectives"]) == 25
    assert len(client.get(f"{url}?page=2").context["objectives"]) == 5


def test_fragments_and_pages_are_cached_apart(client, bob, bobs_partnership):
    client.force_login(bob)
    response = client.get(f"/partnerships/{bobs_partnership.pk}/objectives/", headers=HTMX)
    assert "HX-Request" in response["Vary"]


def test_ids_in_markup_have_no_thousands_separator(client, bob, bobs_partnership):
    ours = ObjectiveFactory(pk=12345, partnership=bobs_partnership)
    ObjectiveFactory(pk=23456, partnership=bobs_partnership, party="partner")
    client.force_login(bob)
    tab = client.get(f"/partnerships/{bobs_partnership.pk}/tab/objectives/").content.decode()
    assert 'id="objective-12345"' in tab and 'hx-target="#objective-12345"' in tab
    url = f"/partnerships/{bobs_partnership.pk}/objectives/{ours.pk}/edit/"
    assert 'id="objective-12345"' in client.get(url, headers=HTMX).content.decode()
    matrix = client.get(f"/partnerships/{bobs_partnership.pk}/objectives/alignment/")
    assert "?objective=12345&amp;partner_objective=23456" in matrix.content.decode()
