import pytest
from django.core.management import call_command

from agreements.models import Agreement
from communications.models import CheckIn, DueDate
from partnerships.models import Partnership, Stage
from planning.models import Milestone, Opportunity
from portfolio.models import HealthSnapshot, PartnershipHealth
from portfolio.scale import PREFIX
from reviews.models import KPI, Measurement, Review, Snapshot

pytestmark = pytest.mark.django_db


def test_seed_demo_scale_builds_partnerships_with_a_year_of_history_and_tops_up():
    call_command("seed_demo", scale=20)
    scale = Partnership.objects.filter(name__startswith=PREFIX)
    assert scale.count() == 20
    assert set(scale.values_list("stage", flat=True)) == set(Stage.values)
    live = scale.filter(stage__in=[Stage.ACTIVE, Stage.RENEWING])
    for model in (CheckIn, DueDate, KPI, Review, Milestone, Opportunity):
        assert model.objects.filter(partnership__in=live).exists(), model
    assert Measurement.objects.filter(kpi__partnership__in=live).count() >= 12 * live.count()
    assert Snapshot.objects.filter(review__partnership__in=live).exists()
    signed = Agreement.objects.filter(partnership__in=live, status="signed")
    assert signed.count() == live.count()
    assert all(a.notice_deadline == a.compute_notice_deadline() for a in signed)
    assert PartnershipHealth.objects.filter(partnership__in=live).count() == live.count()
    assert HealthSnapshot.objects.filter(partnership__in=live).count() > 100 * live.count()
    # A re-run adds nothing; a larger N adds only the missing ones.
    call_command("seed_demo", scale=20)
    assert scale.count() == 20
    call_command("seed_scale", 25)
    assert Partnership.objects.filter(name__startswith=PREFIX).count() == 25


def test_the_scale_data_is_judged_as_the_services_would():
    call_command("seed_demo", scale=20)
    for check_in in CheckIn.objects.filter(partnership__name__startswith=PREFIX)[:50]:
        check_in.full_clean()
    for milestone in Milestone.objects.filter(partnership__name__startswith=PREFIX):
        milestone.full_clean()
        if milestone.achieved_on:
            assert milestone.achieved_on >= milestone.partnership.start_date
