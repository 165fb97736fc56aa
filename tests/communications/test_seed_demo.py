import pytest
from django.core.management import call_command

from communications.models import (
    ActionItem,
    CheckIn,
    Concern,
    DueDate,
    Escalation,
    Outcome,
    Thread,
    Timeliness,
)
from communications.services import compliance
from partnerships.models import Partnership, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the agreements' demo documents


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (CheckIn, DueDate, ActionItem, Concern, Escalation, Thread)
    )


def test_seed_demo_gives_the_live_partnerships_a_realistic_history_once(media_root):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    live = Partnership.objects.filter(stage__in=[Stage.ACTIVE, Stage.RENEWING])
    for p in live:
        assert p.check_ins.exists(), p
        assert 0 < compliance(p).percent < 100, p
    assert not CheckIn.objects.exclude(partnership__in=live).exists()
    assert CheckIn.objects.filter(timeliness=Timeliness.LATE).exists()
    assert DueDate.objects.filter(outcome=Outcome.MISSED).exists()
    assert Escalation.objects.filter(by__isnull=True).exists()
    assert Concern.objects.open().exists() and Concern.objects.filter(resolved_at__isnull=False)
    assert ActionItem.objects.open().filter(party="partner").exists()
