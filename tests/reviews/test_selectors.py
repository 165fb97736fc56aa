"""The reads the portfolio builds on: current attainment per KPI and partnership, in one query."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.selectors import (
    attainment_at_last_review,
    kpi_attainment_for_partnerships,
    last_review_days,
)

from ..factories import PartnershipFactory
from .conftest import months_ago
from .factories import HeldReviewFactory, KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def test_current_attainment_of_every_kpi_of_many_partnerships_in_one_query():
    first, second, bare = PartnershipFactory(), PartnershipFactory(), PartnershipFactory()
    ontime = KPIFactory(partnership=first, name="On-time")  # 80 -> 100, red flag below 85
    MeasurementFactory(kpi=ontime, period=months_ago(2), value=D("100"))
    MeasurementFactory(kpi=ontime, period=months_ago(1), value=D("90"))  # the latest counts
    cost = KPIFactory(
        partnership=first, name="Cost", direction="lower", baseline=D("6"), target=D("4"),
        red_flag=D("7"),
    )  # fmt: skip
    MeasurementFactory(kpi=cost, period=months_ago(1), value=D("3"))  # 150 %, clipped to 100
    KPIFactory(partnership=first, name="Unmeasured")
    late = KPIFactory(partnership=second, name="Late")
    MeasurementFactory(kpi=late, period=months_ago(1), value=D("70"))  # -50 %, clipped to 0
    for n in range(30):
        MeasurementFactory(kpi=KPIFactory(partnership=second), period=months_ago(n % 12))

    with CaptureQueriesContext(connection) as queries:
        found = kpi_attainment_for_partnerships([first.pk, second.pk, bare.pk])
    assert len(queries) == 1

    kpis = {k.name: k for k in found[first.pk].kpis}
    assert (kpis["On-time"].attainment, kpis["On-time"].status) == (D("50.0"), "watch")
    assert (kpis["Cost"].attainment, kpis["Cost"].status) == (D("150.0"), "on_target")
    assert kpis["Unmeasured"].reading is None and kpis["Unmeasured"].status is None
    assert found[first.pk].mean == 75  # (50 + 100) / 2; the unmeasured KPI is left out
    assert found[first.pk].counts == {"on_target": 1, "watch": 1, "red_flag": 0}
    assert found[first.pk].below_target == 1
    assert {k.name: k.status for k in found[second.pk].kpis}["Late"] == "red_flag"
    assert found[bare.pk].kpis == [] and found[bare.pk].mean is None


def test_attainment_as_of_a_date_ignores_later_measurements():
    kpi = KPIFactory()
    MeasurementFactory(kpi=kpi, period=months_ago(3), value=D("90"))
    MeasurementFactory(kpi=kpi, period=months_ago(1), value=D("100"))
    found = kpi_attainment_for_partnerships([kpi.partnership_id], as_of=months_ago(2))
    assert found[kpi.partnership_id].kpis[0].attainment == D("50.0")


def test_attainment_at_the_last_review_reads_its_frozen_snapshot(alice):
    from reviews.services import take_snapshot

    kpi = KPIFactory()
    p = kpi.partnership
    MeasurementFactory(kpi=kpi, period=months_ago(6), value=D("85"))
    old = HeldReviewFactory(partnership=p, held_on=months_ago(5), due_on=months_ago(5))
    take_snapshot(old)
    MeasurementFactory(kpi=kpi, period=months_ago(2), value=D("95"))
    last = HeldReviewFactory(partnership=p, held_on=months_ago(1), due_on=months_ago(1))
    take_snapshot(last)
    MeasurementFactory(kpi=kpi, period=months_ago(0), value=D("100"))
    never = PartnershipFactory()
    with CaptureQueriesContext(connection) as queries:
        found = attainment_at_last_review([p.pk, never.pk])
    assert len(queries) == 1
    assert found == {p.pk: 75}


def test_the_day_of_each_partnerships_last_review_in_one_query():
    p = PartnershipFactory()
    HeldReviewFactory(partnership=p, due_on=months_ago(4), held_on=months_ago(4))
    HeldReviewFactory(partnership=p, due_on=months_ago(1), held_on=months_ago(1))
    never = PartnershipFactory()
    with CaptureQueriesContext(connection) as queries:
        assert last_review_days([p.pk, never.pk]) == {p.pk: months_ago(1)}
    assert len(queries) == 1
