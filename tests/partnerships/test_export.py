"""The partnership list as CSV: every text cell inert in a spreadsheet, accents intact."""

import pytest
from django.utils import timezone

from ..downloads import FORMULAS, download, inert
from ..factories import OrganizationFactory, PartnershipFactory, executive, manager

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_text_cell_that_starts_like_a_formula_comes_out_inert(client, alice, formula):
    PartnershipFactory(
        name=f"{formula} Zürich",
        organization=OrganizationFactory(name=f"{formula} Société"),
        executive_sponsor=executive(full_name=f"{formula} Ángela"),
        managers=[manager(full_name=f"{formula} Jörg")],
    )
    client.force_login(alice)
    _, rows = download(client.get("/partnerships/export.csv"))
    name, _, _, _, partner, sponsor, managers, *_ = rows[1]
    assert name == inert(f"{formula} Zürich")
    assert partner == inert(f"{formula} Société")
    assert sponsor == inert(f"{formula} Ángela")
    assert managers == inert(f"{formula} Jörg")


def test_the_file_is_named_after_the_day_and_keeps_plain_cells_plain(client, alice, bob):
    PartnershipFactory(name="Café Crème", executive_sponsor=alice, managers=[bob])
    client.force_login(alice)
    response = client.get("/partnerships/export.csv")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="partnerships-{day}.csv"'
    _, rows = download(response)
    assert rows[1][:7] == [
        "Café Crème", "Defining objectives", "Technology", "Tier 2 · key", "",
        "Alice Ashby", "Bob Brown",
    ]  # fmt: skip
