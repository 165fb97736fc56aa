"""The agreement list as CSV: every text cell inert in a spreadsheet, numbers left numbers."""

import pytest
from django.utils import timezone

from ..downloads import FORMULAS, download, inert
from ..factories import OrganizationFactory, PartnershipFactory
from .factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_text_cell_that_starts_like_a_formula_comes_out_inert(client, alice, formula):
    partnership = PartnershipFactory(
        name=f"{formula} Zürich", organization=OrganizationFactory(name=f"{formula} Société")
    )
    AgreementFactory(partnership=partnership, version=3, title=f"{formula} Accord-cadre été")
    client.force_login(alice)
    _, rows = download(client.get("/agreements/export.csv"))
    assert rows[0][:4] == ["Partnership", "Partner", "Version", "Title"]
    partnership_name, partner, version, title, *_ = rows[1]
    assert partnership_name == inert(f"{formula} Zürich")
    assert partner == inert(f"{formula} Société")
    assert title == inert(f"{formula} Accord-cadre été")
    assert version == "3"


def test_the_file_is_named_after_the_day_and_dates_and_numbers_come_out_plain(client, alice):
    AgreementFactory(partnership=PartnershipFactory(name="Crème"), version=1, title="Été")
    client.force_login(alice)
    response = client.get("/agreements/export.csv")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="agreements-{day}.csv"'
    _, rows = download(response)
    assert rows[1] == [
        "Crème", "", "1", "Été", "Draft", "2026-01-01", "2029-01-01", "90", "2028-10-03", "no", "",
    ]  # fmt: skip
