"""The pages: what they show, the errors they give in words, and a fixed number of queries
whatever the number of KPIs, measurements, reviews or decisions."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from communications.models import ActionItem
from partnerships.models import Stage
from reviews import services
from reviews.models import KPI, Measurement, Review, Snapshot
from tests.helpers import assert_constant_queries

from ..communications.factories import CheckInFactory, ConcernFactory
from ..factories import PartnershipFactory
from ..objectives.factories import ObjectiveFactory
from .conftest import months_ago
from .factories import (
    DecisionFactory,
    HeldReviewFactory,
    KPIFactory,
    MeasurementFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def tab(p) -> str:
    return reverse("partnerships:tab", args=[p.pk, "performance"])


def add_kpis(partnership, kpis: int, measurements: int, objective=None) -> list[KPI]:
    made = [
        KPIFactory(
            partnership=partnership, objective=objective, owner=partnership.executive_sponsor
        )
        for _ in range(kpis)
    ]
    Measurement.objects.bulk_create(
        Measurement(
            kpi=kpi,
            period=months_ago(n),
            value=D(80 + (n * 7) % 25),
            recorded_by=partnership.executive_sponsor,
        )
        for kpi in made
        for n in range(measurements)
    )
    return made


# The Performance tab and the KPI pages ------------------------------------------------------------


def test_the_tab_invites_to_add_the_first_kpi(client, active, bob):
    client.force_login(bob)
    html = client.get(tab(active)).content.decode()
    assert "No KPIs yet." in html and "Add the first KPI" in html
    assert "Schedule the review" in html


def test_the_tab_shows_kpis_with_status_sparkline_objective_progress_and_reviews(
    client, active, bob
):
    objective = ObjectiveFactory(partnership=active, title="Faster deliveries")
    kpi = KPIFactory(partnership=active, name="On-time delivery", objective=objective)
    MeasurementFactory(kpi=kpi, period=months_ago(2), value=D("84"))
    MeasurementFactory(kpi=kpi, period=months_ago(1), value=D("95"))
    HeldReviewFactory(partnership=active, summary="A fine quarter.")
    scheduled = ReviewFactory(partnership=active)
    client.force_login(bob)
    html = client.get(tab(active), headers={"HX-Request": "true"}).content.decode()
    assert "On-time delivery" in html and "95%" in html and "75%" in html
    assert '<svg class="sparkline' in html and "from 84% to 95%" in html
    assert "Watch" in html
    assert "Faster deliveries" in html and ">75%<" in html
    assert "A fine quarter." in html
    assert scheduled.get_absolute_url() in html


def test_the_tab_renders_in_constant_queries(client, active, bob):
    client.force_login(bob)
    add_kpis(active, 1, 1)
    objective = ObjectiveFactory(partnership=active)
    assert_constant_queries(client, tab(active), lambda: add_kpis(active, 14, 60, objective))


def test_the_kpi_page_renders_in_the_same_queries_for_10_kpis_of_200_measurements_as_for_1_of_1(
    client, active, bob
):
    client.force_login(bob)
    add_kpis(active, 1, 1)
    url = reverse("reviews:kpis", args=[active.pk])
    assert_constant_queries(client, url, lambda: add_kpis(active, 9, 200))
    html = client.get(url).content.decode()
    assert html.count('<svg class="sparkline') == 10


def test_a_kpi_detail_page_renders_in_constant_queries(client, active, bob):
    client.force_login(bob)
    (kpi,) = add_kpis(active, 1, 1)
    url = kpi.get_absolute_url()

    def more():
        Measurement.objects.filter(kpi=kpi).delete()
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, period=months_ago(n), value=D(90), recorded_by=bob)
            for n in range(200)
        )
        review = HeldReviewFactory(partnership=active)
        services.take_snapshot(review)

    assert_constant_queries(client, url, more)
    html = client.get(url).content.decode()
    assert 'id="kpi-chart-data"' in html and "<script>" not in html


def test_a_kpi_is_added_from_its_form(client, active, bob):
    client.force_login(bob)
    response = client.post(
        reverse("reviews:kpi_create", args=[active.pk]),
        {"name": "Cost per order", "unit": "€", "direction": "lower", "baseline": "6.40",
         "target": "4.80", "red_flag": "6", "frequency": "monthly", "owner": bob.pk},
    )  # fmt: skip
    kpi = KPI.objects.get()
    assert response.status_code == 302 and response["Location"] == kpi.get_absolute_url()
    assert (kpi.partnership, kpi.owner, kpi.target) == (active, bob, D("4.80"))


def test_the_kpi_form_says_why_a_target_equal_to_the_baseline_is_refused(client, active, bob):
    client.force_login(bob)
    response = client.post(
        reverse("reviews:kpi_create", args=[active.pk]),
        {"name": "On-time", "unit": "%", "direction": "higher", "baseline": "90",
         "target": "90", "frequency": "monthly"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "The target must differ from the baseline" in html
    assert 'value="On-time"' in html  # the input is kept
    assert not KPI.objects.exists()


def test_a_measurement_is_recorded_from_the_kpi_page(client, active, bob):
    kpi = KPIFactory(partnership=active, name="On-time delivery")
    client.force_login(bob)
    day = months_ago(1) + datetime.timedelta(days=9)
    response = client.post(
        kpi.get_absolute_url(), {"period": day.isoformat(), "value": "95", "note": "good"},
        follow=True,
    )  # fmt: skip
    m = Measurement.objects.get()
    assert (m.period, m.value, m.note, m.recorded_by) == (months_ago(1), D("95"), "good", bob)
    assert f"{months_ago(1):%b %Y} recorded: 75 % of target, watch." in response.content.decode()


def test_a_value_that_is_not_a_number_is_refused_next_to_the_field(client, active, bob):
    kpi = KPIFactory(partnership=active)
    client.force_login(bob)
    response = client.post(
        kpi.get_absolute_url(), {"period": months_ago(1).isoformat(), "value": "lots"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number, such as 42 or 97.5" in html
    assert not Measurement.objects.exists()


def test_a_second_measurement_for_a_period_is_refused_on_the_page(client, active, bob):
    kpi = KPIFactory(partnership=active, name="On-time delivery")
    MeasurementFactory(kpi=kpi, period=months_ago(1), value=D("90"))
    client.force_login(bob)
    response = client.post(
        kpi.get_absolute_url(),
        {"period": (months_ago(1) + datetime.timedelta(days=3)).isoformat(), "value": "99"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f"“On-time delivery” already has a measurement for {months_ago(1):%b %Y}: edit that "
        "one instead." in html
    )
    assert 'value="99"' in html
    assert list(Measurement.objects.values_list("value", flat=True)) == [D("90")]


def test_a_measurement_is_corrected_and_removed_from_its_page(client, active, bob):
    m = MeasurementFactory(kpi=KPIFactory(partnership=active))
    client.force_login(bob)
    url = reverse("reviews:measurement_edit", args=[active.pk, m.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"value": "91.25", "note": "restated"})
    m.refresh_from_db()
    assert m.value == D("91.25")
    client.post(reverse("reviews:measurement_delete", args=[active.pk, m.pk]))
    assert not Measurement.objects.exists()


def test_a_measurement_of_another_partnership_is_not_found(client, active, bob):
    foreign = MeasurementFactory()
    client.force_login(bob)
    url = reverse("reviews:measurement_edit", args=[active.pk, foreign.pk])
    assert client.get(url).status_code == 404


# Reviews -----------------------------------------------------------------------------------------


def test_scheduling_a_review_prefills_the_cadence_and_due_date(client, active, bob):
    client.force_login(bob)
    url = reverse("reviews:review_create", args=[active.pk])
    form = client.get(url).context["form"]
    assert form.initial == {"kind": "quarterly", "due_on": active.next_review_due}
    response = client.post(url, {"kind": "quarterly", "due_on": active.next_review_due})
    review = Review.objects.get()
    assert response["Location"] == review.get_absolute_url()
    # A second one is not offered: the scheduled one opens instead.
    assert client.get(url)["Location"] == review.get_absolute_url()


def test_holding_a_review_from_its_page_then_again_changes_nothing(client, active, alice):
    MeasurementFactory(kpi=KPIFactory(partnership=active), period=months_ago(1))
    review = ReviewFactory(partnership=active)
    client.force_login(alice)
    url = reverse("reviews:review_hold", args=[active.pk, review.pk])
    data = {"held_on": timezone.localdate().isoformat(), "rating": "4", "summary": "Good.",
            "attendees": [alice.pk], "partner_attendees": [active.contact.pk]}  # fmt: skip
    response = client.post(url, data, follow=True)
    assert "held; the KPIs are frozen as of" in response.content.decode()
    review.refresh_from_db()
    assert review.is_held and Snapshot.objects.count() == 1
    due = Review.objects.get().partnership.next_review_due

    response = client.post(url, {**data, "rating": "1", "summary": "Bad."}, follow=True)
    assert "This review was already held on" in response.content.decode()
    review.refresh_from_db()
    assert (review.rating, review.summary) == (4, "Good.")
    assert Snapshot.objects.count() == 1
    active.refresh_from_db()
    assert active.next_review_due == due


def test_the_hold_form_keeps_the_input_and_says_what_is_missing(client, active, alice):
    review = ReviewFactory(partnership=active)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:review_hold", args=[active.pk, review.pk]),
        {"held_on": timezone.localdate().isoformat(), "summary": "Good."},
    )
    html = response.content.decode()
    assert "Rate how the partnership performed, from 1 to 5." in html
    assert "Good." in html
    review.refresh_from_db()
    assert not review.is_held


def test_a_decision_recorded_on_the_page_becomes_an_action_item(client, active, alice, bob):
    review = HeldReviewFactory(partnership=active)
    client.force_login(alice)
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("reviews:decision_create", args=[active.pk, review.pk]),
        {"text": "Send the recovery plan", "kind": "action", "owner": f"u:{bob.pk}",
         "due_on": due.isoformat()},
        follow=True,
    )  # fmt: skip
    assert "Decision recorded; action item for Bob Brown opened." in response.content.decode()
    item = ActionItem.objects.get()
    assert (item.title, item.owner, item.due_on) == ("Send the recovery plan", bob, due)


def test_the_decision_form_asks_for_the_parts_of_an_adjustment(client, active, alice):
    review = HeldReviewFactory(partnership=active)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:decision_create", args=[active.pk, review.pk]),
        {"text": "Move the target", "kind": "adjustment"},
    )
    html = response.content.decode()
    for words in (
        "Choose the objective to adjust.",
        "Give a new target, a new due date, or both.",
        "Say why the objective changes.",
    ):
        assert words in html


def test_a_review_page_renders_in_constant_queries(client, active, alice):
    client.force_login(alice)
    add_kpis(active, 1, 1)
    review = HeldReviewFactory(partnership=active)
    services.take_snapshot(review)

    def more():
        Snapshot.objects.all().delete()
        add_kpis(active, 9, 30)
        services.take_snapshot(review)
        for _ in range(5):
            DecisionFactory(review=review)
        review.attendees.set([alice])

    assert_constant_queries(client, review.get_absolute_url(), more)


def test_a_scheduled_review_page_renders_in_constant_queries(client, active, alice):
    client.force_login(alice)
    add_kpis(active, 1, 1)
    review = ReviewFactory(partnership=active)
    assert_constant_queries(client, review.get_absolute_url(), lambda: add_kpis(active, 9, 30))


def test_the_review_pack_gathers_what_the_meeting_needs(client, active, alice, bob):
    previous = HeldReviewFactory(
        partnership=active, due_on=months_ago(4), held_on=months_ago(4) + datetime.timedelta(3)
    )
    item = ActionItem.objects.create(
        partnership=active, title="Send forecast", owner=bob, created_by=alice,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )  # fmt: skip
    DecisionFactory(review=previous, text="Send forecast", kind="action", action_item=item)
    DecisionFactory(review=previous, text="Keep targets")
    CheckInFactory(partnership=active, held_on=months_ago(5), summary="Before the last review")
    CheckInFactory(partnership=active, held_on=months_ago(1), summary="Volumes above forecast")
    ConcernFactory(partnership=active, title="Missed delivery windows")
    kpi = KPIFactory(partnership=active, name="On-time delivery")
    MeasurementFactory(kpi=kpi, period=months_ago(1), value=D("100"))
    from agreements.models import Agreement

    Agreement.objects.create(
        partnership=active, version=1, status="signed", title="Supply agreement",
        effective_date=datetime.date(2025, 1, 1), expiry_date=datetime.date(2030, 1, 1),
        notice_period_days=90, signed_on=datetime.date(2024, 12, 20),
    )  # fmt: skip
    review = ReviewFactory(partnership=active)
    client.force_login(alice)
    html = client.get(reverse("reviews:review_pack", args=[active.pk, review.pk])).content.decode()
    assert "Decisions of the previous review" in html
    assert "Send forecast" in html and "Overdue" in html and "Keep targets" in html
    assert "Volumes above forecast" in html and "Before the last review" not in html
    assert "Missed delivery windows" in html
    assert "On-time delivery" in html and "On target" in html
    assert "Notice deadline:</strong> 3 Oct 2029" in html
    assert "css/print.css" in html


def test_the_review_pack_renders_in_constant_queries(client, active, alice, bob):
    client.force_login(alice)
    previous = HeldReviewFactory(partnership=active, due_on=months_ago(4), held_on=months_ago(4))
    review = HeldReviewFactory(partnership=active, due_on=months_ago(1), held_on=months_ago(1))
    add_kpis(active, 1, 1)
    services.take_snapshot(review)

    def more():
        Snapshot.objects.all().delete()
        add_kpis(active, 9, 30)
        services.take_snapshot(review)
        for n in range(5):
            DecisionFactory(review=previous)
            CheckInFactory(partnership=active, held_on=months_ago(2) + datetime.timedelta(n))
            ConcernFactory(partnership=active, owner=bob)
        review.attendees.set([alice, bob])

    assert_constant_queries(
        client, reverse("reviews:review_pack", args=[active.pk, review.pk]), more
    )


def test_the_reviews_page_lists_what_is_due_across_the_partnerships_a_user_sees(
    client, active, bob, charlie
):
    today = timezone.localdate()
    others = PartnershipFactory(
        name="Helios co-sell", stage=Stage.ACTIVE, managers=[charlie],
        next_review_due=today - datetime.timedelta(days=3),
    )  # fmt: skip
    client.force_login(bob)
    html = client.get(reverse("reviews:list")).content.decode()
    assert active.name in html and others.name not in html
    client.force_login(charlie)
    html = client.get(reverse("reviews:list") + "?show=overdue").content.decode()
    assert others.name in html and "overdue" in html and active.name not in html


def test_the_reviews_page_renders_in_constant_queries(client, alice):
    client.force_login(alice)
    today = timezone.localdate()

    def partnerships(n):
        for _ in range(n):
            p = PartnershipFactory(stage=Stage.ACTIVE, next_review_due=today)
            HeldReviewFactory(partnership=p)
            ReviewFactory(partnership=p)

    partnerships(1)
    assert_constant_queries(client, reverse("reviews:list"), lambda: partnerships(10))
    assert_constant_queries(
        client, reverse("reviews:list") + "?show=held", lambda: partnerships(10)
    )


def test_a_partnerships_reviews_page_renders_in_constant_queries(client, active, bob):
    client.force_login(bob)
    HeldReviewFactory(partnership=active)

    def more():
        for n in range(10):
            review = HeldReviewFactory(partnership=active, due_on=months_ago(n + 2))
            DecisionFactory(review=review)
        ReviewFactory(partnership=active)

    assert_constant_queries(client, reverse("reviews:partnership_reviews", args=[active.pk]), more)


def test_administrators_see_kpis_and_reviews_in_django_admin(client, admin_user, active, alice):
    review = HeldReviewFactory(partnership=active)
    MeasurementFactory(kpi=KPIFactory(partnership=active))
    services.take_snapshot(review)
    DecisionFactory(review=review)
    client.force_login(admin_user)
    for name in ("kpi", "measurement", "review"):
        assert client.get(reverse(f"admin:reviews_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_review_change", args=[review.pk])).status_code == 200


def test_nothing_is_recorded_on_an_ended_partnership_from_the_kpi_page(client, active, bob):
    kpi = KPIFactory(partnership=active)
    active.stage, active.ended_reason = Stage.ENDED, "Over."
    active.save()
    client.force_login(bob)
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "Record a measurement" not in html
    response = client.post(
        kpi.get_absolute_url(), {"period": months_ago(1).isoformat(), "value": "90"}, follow=True
    )
    assert "This partnership has ended" in response.content.decode()
    assert not Measurement.objects.exists()
