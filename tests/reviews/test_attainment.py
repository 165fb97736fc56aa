"""The attainment rule (reviews/attainment.py): progress from baseline to target, either way."""

import datetime
from decimal import Decimal as D

import pytest

from reviews.attainment import (
    SAME_AS_BASELINE,
    attainment,
    direction_problem,
    period_label,
    period_start,
    status,
    threshold_problem,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", "0.0"),  # at the baseline
        ("90", "50.0"),
        ("100", "100.0"),  # at the target
        ("110", "150.0"),  # beyond it: not clipped
        ("70", "-50.0"),  # the wrong way: below zero
        ("99.99", "99.9"),  # rounded down, so never "100%" before the target is reached
    ],
)
def test_attainment_when_higher_is_better(value, expected):
    assert attainment(value=D(value), baseline=D("80"), target=D("100")) == D(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6.40", "0.0"),
        ("5.60", "50.0"),
        ("4.80", "100.0"),
        ("4.00", "150.0"),
        ("7.20", "-50.0"),
        ("4.81", "99.3"),
    ],
)
def test_attainment_when_lower_is_better_uses_the_same_formula(value, expected):
    assert attainment(value=D(value), baseline=D("6.40"), target=D("4.80")) == D(expected)


def test_attainment_refuses_a_target_equal_to_the_baseline_instead_of_dividing_by_zero():
    with pytest.raises(ValueError, match="must differ from the baseline"):
        attainment(value=D("5"), baseline=D("3"), target=D("3"))


def test_attainment_is_exact_with_awkward_decimals():
    # One third of the way, in Decimal: 33.3, never 33.33333333333333 or 33.4.
    assert attainment(value=D("1"), baseline=D("0"), target=D("3")) == D("33.3")
    assert attainment(value=D("0.1") + D("0.2"), baseline=D("0"), target=D("0.3")) == D("100.0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100", "on_target"),
        ("120", "on_target"),
        ("99", "watch"),
        ("85", "watch"),  # equal to the threshold is not beyond it
        ("84.99", "red_flag"),
        ("10", "red_flag"),
    ],
)
def test_status_when_higher_is_better(value, expected):
    assert status(value=D(value), target=D("100"), direction="higher", red_flag=D("85")) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4.80", "on_target"),
        ("3.00", "on_target"),
        ("5.99", "watch"),
        ("6.00", "watch"),
        ("6.01", "red_flag"),
    ],
)
def test_status_when_lower_is_better(value, expected):
    assert status(value=D(value), target=D("4.80"), direction="lower", red_flag=D("6")) == expected


def test_without_a_threshold_nothing_is_a_red_flag():
    assert status(value=D("-1000"), target=D("100"), direction="higher") == "watch"


def test_a_value_on_target_is_exactly_an_attainment_of_100_percent_or_more():
    for value in ("4.79", "4.80", "4.81"):
        judged_on_target = status(value=D(value), target=D("4.80"), direction="lower") == (
            "on_target"
        )
        reached = attainment(value=D(value), baseline=D("6.40"), target=D("4.80")) >= 100
        assert judged_on_target == reached


def test_direction_must_agree_with_target_and_baseline():
    assert direction_problem(direction="higher", baseline=D("5"), target=D("5")) == (
        SAME_AS_BASELINE
    )
    assert "must be above the baseline" in direction_problem(
        direction="higher", baseline=D("5"), target=D("4")
    )
    assert "must be below the baseline" in direction_problem(
        direction="lower", baseline=D("5"), target=D("6")
    )
    assert direction_problem(direction="lower", baseline=D("5"), target=D("4")) is None


def test_the_red_flag_threshold_must_lie_on_the_bad_side_of_the_target():
    assert threshold_problem(direction="higher", target=D("100"), red_flag=D("100"))
    assert threshold_problem(direction="lower", target=D("4"), red_flag=D("3"))
    assert threshold_problem(direction="higher", target=D("100"), red_flag=D("85")) is None
    assert threshold_problem(direction="lower", target=D("4"), red_flag=None) is None


@pytest.mark.parametrize(
    ("frequency", "day", "start", "label"),
    [
        ("monthly", datetime.date(2026, 3, 17), datetime.date(2026, 3, 1), "Mar 2026"),
        ("monthly", datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), "Mar 2026"),
        ("quarterly", datetime.date(2026, 3, 31), datetime.date(2026, 1, 1), "Q1 2026"),
        ("quarterly", datetime.date(2026, 11, 2), datetime.date(2026, 10, 1), "Q4 2026"),
        ("weekly", datetime.date(2026, 3, 22), datetime.date(2026, 3, 16), "Week of 16 Mar 2026"),
        ("weekly", datetime.date(2026, 3, 16), datetime.date(2026, 3, 16), "Week of 16 Mar 2026"),
    ],
)
def test_periods_are_normalised_to_the_kpis_frequency(frequency, day, start, label):
    assert period_start(day, frequency) == start
    assert period_label(start, frequency) == label
