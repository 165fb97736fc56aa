"""KPIs and measurements: what the services accept, what they refuse in words, and what the
database refuses even when a service is bypassed."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerships.models import Activity, Stage
from reviews import services
from reviews.models import KPI, Measurement

from ..factories import PartnershipFactory
from ..objectives.factories import ObjectiveFactory
from .conftest import months_ago
from .factories import KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def kpi_fields(**overrides) -> dict:
    fields = {
        "name": "On-time delivery",
        "unit": "%",
        "direction": "higher",
        "baseline": D("88"),
        "target": D("97"),
        "red_flag": D("90"),
        "frequency": "monthly",
    }
    return {**fields, **overrides}


def test_a_kpi_is_created_with_its_objective_and_owner_and_shows_on_the_timeline(
    bobs_partnership, bob
):
    objective = ObjectiveFactory(partnership=bobs_partnership)
    kpi = services.kpi_create(
        partnership=bobs_partnership, by=bob, objective=objective, owner=bob, **kpi_fields()
    )
    assert kpi.objective == objective and kpi.owner == bob
    assert Activity.objects.filter(kind="kpi", summary="KPI added: On-time delivery").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"target": D("88")}, "target", "must differ from the baseline"),
        ({"target": D("80")}, "target", "must be above the baseline"),
        ({"direction": "lower"}, "target", "must be below the baseline"),
        ({"red_flag": D("98")}, "red_flag", "must be below the target"),
        ({"name": "  "}, "name", "This field cannot be blank."),
    ],
)
def test_a_kpi_that_cannot_be_judged_is_refused_in_words(
    bobs_partnership, bob, overrides, field, words
):
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(partnership=bobs_partnership, by=bob, **kpi_fields(**overrides))
    assert any(words in m for m in refused.value.message_dict[field])
    assert not KPI.objects.exists()


def test_kpi_names_are_unique_in_a_partnership_whatever_the_case(bobs_partnership, bob):
    services.kpi_create(partnership=bobs_partnership, by=bob, **kpi_fields())
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(
            partnership=bobs_partnership, by=bob, **kpi_fields(name="ON-TIME delivery")
        )
    assert refused.value.message_dict["name"] == [
        "This partnership already has a KPI with this name."
    ]
    other = PartnershipFactory()
    services.kpi_create(partnership=other, by=bob, **kpi_fields())  # another partnership may


def test_a_kpi_cannot_measure_another_partnerships_objective(bobs_partnership, bob):
    foreign = ObjectiveFactory()
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(partnership=bobs_partnership, by=bob, objective=foreign, **kpi_fields())
    assert "objective" in refused.value.message_dict


def test_an_owner_who_cannot_see_the_partnership_is_refused(bobs_partnership, bob, charlie):
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(partnership=bobs_partnership, by=bob, owner=charlie, **kpi_fields())
    assert "cannot see this partnership" in refused.value.message_dict["owner"][0]


@pytest.mark.parametrize(
    "changes",
    [
        {"target": D("80")},  # equal to the baseline
        {"target": D("70")},  # higher is better, but below the baseline
        {"direction": "lower"},  # lower is better, but above the baseline
        {"red_flag": D("120")},  # on the good side of the target
    ],
)
def test_the_database_refuses_a_kpi_the_rule_cannot_judge(changes):
    kpi = KPIFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        KPI.objects.filter(pk=kpi.pk).update(**changes)


def test_a_measurement_is_stored_at_the_start_of_its_period(bob):
    kpi = KPIFactory(frequency="quarterly")
    day = datetime.date(2025, 5, 20)
    m = services.measurement_record(kpi=kpi, by=bob, period=day, value=D("91.5"), note=" ok ")
    assert m.period == datetime.date(2025, 4, 1)
    assert m.note == "ok" and m.recorded_by == bob
    assert Activity.objects.filter(kind="measurement").get().summary == (
        f"{kpi.name}, Q2 2025: 91.5 % (57.5 % of target, watch)"
    )


def test_a_second_measurement_for_the_same_period_is_refused_and_nothing_changes(bob):
    kpi = KPIFactory()
    first = services.measurement_record(kpi=kpi, by=bob, period=months_ago(1), value=D("90"))
    later_that_month = months_ago(1) + datetime.timedelta(days=20)
    with pytest.raises(ValidationError) as refused:
        services.measurement_record(kpi=kpi, by=bob, period=later_that_month, value=D("99"))
    assert "already has a measurement for" in refused.value.message_dict["period"][0]
    assert list(Measurement.objects.values_list("pk", "value")) == [(first.pk, D("90"))]


def test_the_database_refuses_a_second_measurement_for_a_period():
    m = MeasurementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            kpi=m.kpi, period=m.period, value=D("1"), recorded_by=m.recorded_by
        )


def test_a_period_that_has_not_started_is_refused(bob):
    kpi = KPIFactory()
    next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    with pytest.raises(ValidationError) as refused:
        services.measurement_record(kpi=kpi, by=bob, period=next_month, value=D("90"))
    assert "has not started yet" in refused.value.message_dict["period"][0]
    # The current period has started: it may be recorded already.
    services.measurement_record(kpi=kpi, by=bob, period=timezone.localdate(), value=D("90"))


def test_too_many_decimals_are_refused(bob):
    with pytest.raises(ValidationError) as refused:
        services.measurement_record(
            kpi=KPIFactory(), by=bob, period=months_ago(1), value=D("90.12345")
        )
    assert "value" in refused.value.message_dict
    assert not Measurement.objects.exists()


def test_a_measurement_can_be_corrected_and_the_correction_is_on_the_timeline(bob):
    m = MeasurementFactory(value=D("90"))
    services.measurement_update(measurement=m, by=bob, value=D("92.5"), note="restated")
    m.refresh_from_db()
    assert (m.value, m.note) == (D("92.5"), "restated")
    assert "corrected from 90 to 92.5" in Activity.objects.get(kind="measurement").summary


def test_nothing_is_measured_on_an_ended_partnership(bob):
    kpi = KPIFactory(partnership=PartnershipFactory(stage=Stage.ENDED, ended_reason="Over."))
    with pytest.raises(ValidationError, match="has ended"):
        services.measurement_record(kpi=kpi, by=bob, period=months_ago(1), value=D("90"))
    with pytest.raises(ValidationError, match="has ended"):
        services.kpi_update(kpi=kpi, by=bob, name="Renamed")


def test_removing_a_kpi_removes_its_measurements(bob):
    m = MeasurementFactory()
    services.kpi_delete(kpi=m.kpi, by=bob)
    assert not KPI.objects.exists() and not Measurement.objects.exists()
