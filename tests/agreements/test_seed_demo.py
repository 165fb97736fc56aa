import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements.completeness import missing_for_signing
from agreements.models import Agreement, Status
from agreements.selectors import with_parts
from partnerships.models import Partnership, Stage

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_agreements_to_the_partnerships_past_this_step(media_root):
    call_command("seed_demo")
    for p in Partnership.objects.filter(stage__in=[Stage.ACTIVE, Stage.RENEWING]):
        signed = p.agreements.get(status=Status.SIGNED)
        assert signed.document and signed.signed_on, p
        assert not missing_for_signing(with_parts().get(pk=signed.pk)), p
    ended = Partnership.objects.get(stage=Stage.ENDED)
    assert ended.agreements.get().status == Status.TERMINATED
    for p in Partnership.objects.filter(stage=Stage.AGREEING):
        assert p.agreements.open().count() == 1, p
    assert not Agreement.objects.filter(
        partnership__stage__in=[Stage.DEFINING, Stage.SELECTING]
    ).exists()


def test_the_renewing_demo_partnerships_notice_deadline_is_near_or_past(media_root):
    call_command("seed_demo")
    renewing = Partnership.objects.get(stage=Stage.RENEWING)
    signed = renewing.agreements.get(status=Status.SIGNED)
    assert signed.notice_deadline <= timezone.localdate() + datetime.timedelta(days=30)
    assert renewing.agreements.open().get().version == 2


def test_the_demo_shows_a_draft_with_parts_missing_and_a_version_ready_to_sign(media_root):
    call_command("seed_demo")
    missing = [
        missing_for_signing(with_parts().get(pk=a.pk))
        for a in Agreement.objects.filter(partnership__stage=Stage.AGREEING)
    ]
    assert sorted(len(m) for m in missing)[0] == 0
    assert sorted(len(m) for m in missing)[-1] >= 2


def test_seeding_agreements_twice_changes_nothing(media_root):
    call_command("seed_demo")
    before = list(Agreement.objects.values_list("pk", "status").order_by("pk"))
    files = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    call_command("seed_demo")
    assert list(Agreement.objects.values_list("pk", "status").order_by("pk")) == before
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == files
