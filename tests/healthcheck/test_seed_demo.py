import pytest
from django.core.management import call_command

from healthcheck.models import HealthCheck, Participant, Response
from partnerships.models import PortalAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the agreements' demo documents


def test_the_demo_has_a_closed_check_with_a_visible_gap_and_an_open_one(media_root):
    call_command("seed_demo")
    closed = HealthCheck.objects.get(status="closed")
    current = HealthCheck.objects.get(status="open")
    assert closed.partnership == current.partnership
    assert closed.results["counts"]["us"] >= 3 and closed.results["counts"]["partner"] >= 3
    assert closed.widest_gap_area == "governance" and closed.widest_gap >= 1
    assert closed.results["visible"] == {"us": True, "partner": True}
    joined = PortalAccess.objects.filter(
        partnership=closed.partnership, joined_at__isnull=False, revoked_at__isnull=True
    )
    assert joined.count() >= 3
    # The open one waits for the demo's manager and the partner contact who joined first.
    waiting = Participant.objects.filter(health_check=current, answered_at__isnull=True)
    assert waiting.filter(user__email="manager@accord.example").exists()
    first = joined.order_by("pk").first().contact.user
    assert waiting.filter(user=first).exists()
    assert Response.objects.filter(health_check=current).count() == 2

    counts = (HealthCheck.objects.count(), Response.objects.count(), PortalAccess.objects.count())
    call_command("seed_demo")
    assert (
        HealthCheck.objects.count(),
        Response.objects.count(),
        PortalAccess.objects.count(),
    ) == counts
