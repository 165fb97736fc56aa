import pytest
from django.core.management import call_command

from communications.models import ActionComment, DueDateProposal, Reply, Thread
from partnerships.models import PortalAccess
from reviews.models import KPI

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the agreements' demo documents


def test_the_demo_partner_contact_has_things_shared_and_has_taken_part(media_root):
    call_command("seed_demo")
    # The first to join took part; the health check's demo has a few more of them join.
    joined = PortalAccess.objects.filter(joined_at__isnull=False).order_by("pk").first()
    partnership, partner = joined.partnership, joined.contact.user
    assert KPI.objects.filter(partnership=partnership, shared=True).exists()
    thread = Thread.objects.get(partnership=partnership, shared=True)
    assert Reply.objects.filter(thread=thread, author=partner).exists()
    assert ActionComment.objects.filter(author=partner).exists()
    assert DueDateProposal.objects.filter(proposed_by=partner, status="pending").exists()
    assert not KPI.objects.exclude(partnership=partnership).filter(shared=True).exists()

    counts = (Reply.objects.count(), ActionComment.objects.count(), KPI.objects.count())
    call_command("seed_demo")
    assert (Reply.objects.count(), ActionComment.objects.count(), KPI.objects.count()) == counts
