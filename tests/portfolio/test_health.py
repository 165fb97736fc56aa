"""The health score on hand-made cases: each part alone, missing data, weights."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communications.models import Outcome
from portfolio import health, services
from portfolio.health import Part, combine
from portfolio.models import Band, HealthSettings

ON, LATE, MISSED = Outcome.ON_TIME, Outcome.LATE, Outcome.MISSED


def part(key: str, weight: int, value: int | None) -> Part:
    return Part(key, key.capitalize(), weight, value, f"{key} says {value}")


# Each part alone ----------------------------------------------------------------------------------


def test_kpi_attainment_is_the_mean_attainment_and_counts_those_below_target():
    p = health.kpi_part(30, {"mean": 80, "kpis": 3, "below": 1, "red": 0})
    assert (p.value, p.detail) == (80, "80% of target on average over 3 KPIs; 1 below target.")
    p = health.kpi_part(30, {"mean": 40, "kpis": 2, "below": 2, "red": 1})
    assert p.detail == "40% of target on average over 2 KPIs; 2 below target (1 red flag)."
    p = health.kpi_part(30, {"mean": 100, "kpis": 1, "below": 0, "red": 0})
    assert (p.value, p.detail) == (100, "100% of target on average over 1 KPI; all on target.")
    assert health.kpi_part(30, None).value is None


def test_cadence_compliance_is_the_share_on_time_and_an_overdue_review_counts_as_missed():
    p = health.cadence_part(25, [ON, ON, ON, LATE], None)
    assert p.value == 75
    assert p.detail == "3 of the last 4 check-in due dates held on time (1 late)."
    overdue = datetime.date(2026, 11, 2)
    p = health.cadence_part(25, [ON, ON, ON, MISSED], overdue)
    assert p.value == 60  # 3 on time of 4 check-ins + 1 review
    assert p.detail.endswith("(1 missed); the review due 2 Nov 2026 is overdue.")
    assert health.cadence_part(25, [], None).value is None
    assert health.cadence_part(25, [], overdue).value == 0


def test_open_concerns_cost_more_once_past_their_target_and_late_answers_count():
    row = {"ever": 4, "open": 2, "past_target": 1, "answered_late": 1}
    p = health.concerns_part(20, row)
    assert p.value == 100 - 30 - 10 - 10
    assert p.detail == (
        "1 open concern past its target; 1 other open; 1 answered late in the last 90 days."
    )
    calm = health.concerns_part(20, {"ever": 3, "open": 0, "past_target": 0, "answered_late": 0})
    assert (calm.value, calm.detail) == (100, "No open concern; every recent one answered on time.")
    assert (
        health.concerns_part(20, {"ever": 9, "open": 9, "past_target": 9, "answered_late": 0}).value
        == 0
    )
    assert health.concerns_part(20, None).value is None


def test_overdue_action_items_cost_15_each():
    assert health.actions_part(10, {"ever": 5, "open": 4, "overdue": 2}).value == 70
    assert health.actions_part(10, {"ever": 5, "open": 4, "overdue": 2}).detail == (
        "2 action items overdue, of 4 open."
    )
    assert health.actions_part(10, {"ever": 5, "open": 1, "overdue": 0}).value == 100
    assert health.actions_part(10, {"ever": 30, "open": 30, "overdue": 30}).value == 0
    assert health.actions_part(10, {"ever": 0, "open": 0, "overdue": 0}).value is None


def test_sentiment_is_the_recent_level_moved_by_its_trend():
    steady = health.sentiment_part(15, {"recent_n": 4, "recent_avg": 4.0, "previous_avg": 4.0})
    assert (steady.value, steady.detail) == (
        75,
        "4.0/5 over the last 90 days (4 check-ins), steady.",
    )
    falling = health.sentiment_part(15, {"recent_n": 3, "recent_avg": 3.0, "previous_avg": 4.0})
    assert falling.value == 38  # 50, less 12.5 for a point down; 37.5 rounds to 38
    assert falling.detail == "3.0/5 over the last 90 days (3 check-ins), down from 4.0."
    fresh = health.sentiment_part(15, {"recent_n": 1, "recent_avg": 5.0, "previous_avg": None})
    assert fresh.value == 100
    assert health.sentiment_part(15, {"recent_n": 0, "recent_avg": None}).value is None


# Putting the parts together -----------------------------------------------------------------------


def test_the_score_is_the_weighted_mean_of_the_parts():
    result = combine([part("a", 30, 100), part("b", 10, 20)])
    assert result.score == 80
    assert result.counted_weight == 40
    assert result.share(result.parts[0]) == 75


def test_a_part_with_no_data_is_left_out_and_the_other_weights_rescale():
    result = combine([part("kpi", 30, None), part("cadence", 25, 60), part("actions", 25, 100)])
    assert result.score == 80
    assert result.rescaled
    assert [p.key for p in result.left_out] == ["kpi"]
    assert result.share(result.parts[1]) == 50
    assert result.share(result.parts[0]) is None


def test_a_part_weighted_zero_does_not_count_even_with_data():
    result = combine([part("a", 0, 0), part("b", 10, 90)])
    assert result.score == 90
    assert result.share(result.parts[0]) is None


def test_no_data_at_all_gives_no_score():
    result = combine([part("a", 30, None), part("b", 20, None)])
    assert result.score is None and result.reason == ""
    assert combine([part("a", 0, 50)]).score is None


def test_the_reason_is_the_part_that_costs_the_score_most():
    result = combine([part("a", 40, 80), part("b", 10, 0), part("c", 50, 90)])
    # a costs 40 × 20 = 800, b 10 × 100 = 1000, c 50 × 10 = 500
    assert result.reason == "B: b says 0"
    assert combine([part("a", 10, 100)]).reason == ""


# Settings -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_weights_that_sum_to_zero_are_refused_with_a_clear_message():
    settings = HealthSettings.load()
    for name in ("kpi_weight", "cadence_weight", "concerns_weight", "actions_weight"):
        setattr(settings, name, 0)
    settings.sentiment_weight = settings.partner_view_weight = 0
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert refused.value.messages == [
        "The weights add up to zero: give at least one part a weight."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        HealthSettings.objects.filter(pk=1).update(
            kpi_weight=0, cadence_weight=0, concerns_weight=0, actions_weight=0, sentiment_weight=0,
            partner_view_weight=0,
        )  # fmt: skip
    # 30 + 25 + 20 + 10 + 15, and the partner's view 15: weights are relative, not percentages.
    assert HealthSettings.load().weights() == {
        "kpi": 30, "cadence": 25, "concerns": 20, "actions": 10, "sentiment": 15,
        "partner_view": 15,
    }  # fmt: skip
    assert sum(HealthSettings.load().weights().values()) == 115


@pytest.mark.django_db
def test_the_admin_form_refuses_zero_weights_and_keeps_the_settings(admin_user):
    admin = site._registry[HealthSettings]
    form_class = admin.get_form(request=None, obj=HealthSettings.load())
    data = {
        "kpi_weight": 0, "cadence_weight": 0, "concerns_weight": 0, "actions_weight": 0,
        "sentiment_weight": 0, "partner_view_weight": 0, "healthy_from": 70,
        "at_risk_below": 50,
    }  # fmt: skip
    form = form_class(data, instance=HealthSettings.load())
    assert not form.is_valid()
    assert "The weights add up to zero" in str(form.errors)
    assert HealthSettings.load().kpi_weight == 30


@pytest.mark.django_db
def test_bands_follow_the_settings():
    settings = HealthSettings.load()
    assert [settings.band(s) for s in (None, 0, 49, 50, 69, 70, 100)] == [
        Band.UNKNOWN, Band.AT_RISK, Band.AT_RISK, Band.WATCH, Band.WATCH, Band.HEALTHY,
        Band.HEALTHY,
    ]  # fmt: skip
    settings.at_risk_below, settings.healthy_from = 80, 60
    with pytest.raises(ValidationError):
        settings.full_clean()


def _weights_scored_by_actions_only(partnership=None):
    from tests.communications.factories import ActionItemFactory, CheckInFactory

    from .conftest import live_partnership

    partnership = partnership or live_partnership()
    CheckInFactory(partnership=partnership, sentiment=5)  # sentiment 100
    ActionItemFactory(partnership=partnership, due_on=datetime.date(2020, 1, 1))  # actions 85
    data = {
        "kpi_weight": 0, "cadence_weight": 0, "concerns_weight": 0, "actions_weight": 1,
        "sentiment_weight": 0, "partner_view_weight": 0, "healthy_from": 70,
        "at_risk_below": 50,
    }  # fmt: skip
    return partnership, data


HEALTH_URL = "/admin/portfolio/healthsettings/1/change/"


@pytest.mark.django_db
def test_new_weights_saved_in_admin_are_applied_by_a_task_after_the_commit(
    client, admin_user, django_capture_on_commit_callbacks
):
    from portfolio import tasks
    from portfolio.models import PartnershipHealth

    partnership, data = _weights_scored_by_actions_only()
    services.refresh_health()
    before = PartnershipHealth.objects.get(partnership=partnership).score
    client.force_login(admin_user)
    assert client.get(HEALTH_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(HEALTH_URL, data, follow=True)
    assert "is being recomputed with these settings" in response.content.decode()
    assert len(callbacks) == 1  # enqueued once the new weights are committed...
    # ...and not computed inside the request.
    assert PartnershipHealth.objects.get(partnership=partnership).score == before != 85
    tasks.refresh_health()  # what the worker runs
    assert PartnershipHealth.objects.get(partnership=partnership).score == 85
    data["actions_weight"] = 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(HEALTH_URL, data)
    assert response.status_code == 200
    assert "The weights add up to zero" in response.content.decode()
    assert HealthSettings.load().actions_weight == 1
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rescores_the_partnerships_after_new_weights_are_saved(
    client, admin_user, settings, celery_worker_process
):
    import time

    from portfolio.models import PartnershipHealth

    settings.PORTFOLIO_QUEUE = celery_worker_process
    partnership, data = _weights_scored_by_actions_only()
    client.force_login(admin_user)
    assert client.post(HEALTH_URL, data).status_code == 302
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row = PartnershipHealth.objects.filter(partnership=partnership).first()
        if row is not None and row.score == 85:
            break
        time.sleep(0.2)
    assert row is not None and row.score == 85


def test_a_broker_that_is_down_does_not_break_saving_the_weights(monkeypatch, caplog):
    from portfolio import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.refresh_health, "apply_async", refuse)
    monkeypatch.setattr(tasks.transaction, "on_commit", lambda callback: callback())
    tasks.refresh_health_after_commit()
    assert "Could not enqueue the health recomputation" in caplog.text
