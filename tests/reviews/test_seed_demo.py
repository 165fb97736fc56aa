import pytest
from django.core.management import call_command

from partnerships.models import Partnership, Stage
from reviews.models import KPI, Decision, Measurement, Review, Snapshot
from reviews.selectors import kpi_attainment_for_partnerships

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the agreements' demo documents


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (KPI, Measurement, Review, Snapshot, Decision))


def test_seed_demo_gives_the_live_partnerships_two_years_of_kpis_and_past_reviews_once(
    media_root,
):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    live = Partnership.objects.filter(stage__in=[Stage.ACTIVE, Stage.RENEWING])
    assert not KPI.objects.exclude(partnership__in=live).exists()
    for p in live:
        kpis = list(p.kpis.all())
        assert kpis, p
        for kpi in kpis:
            # Two years: 24 months or 8 quarters.
            assert kpi.measurements.count() == (24 if kpi.frequency == "monthly" else 8), kpi
        held = p.reviews.held()
        assert held.exists() and not p.reviews.scheduled().exists()
        for review in held:
            assert review.snapshots.count() == len(kpis)
            assert review.decisions.exists()
    statuses = {
        k.status
        for found in kpi_attainment_for_partnerships(live.values_list("pk", flat=True)).values()
        for k in found.kpis
    }
    assert statuses == {"on_target", "watch", "red_flag"}  # the demo shows every status
    assert Decision.objects.filter(kind="adjustment").exists()
