import datetime
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone

from agreements.models import Status
from partnerships.models import Partnership, Stage
from reminders.models import Cadence
from tests import factories
from tests.agreements.factories import complete_agreement


@pytest.fixture(autouse=True)
def reminders_queue(settings) -> Iterator[str]:
    """Delivery tasks of a sweep go to a queue of their own, emptied afterwards."""
    queue = f"accord-test-planning-{uuid.uuid4().hex[:8]}"
    settings.REMINDERS_QUEUE = queue
    yield queue
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(queue)


@pytest.fixture
def active(bobs_partnership) -> Partnership:
    """Bob's partnership, active since 200 days ago, with monthly check-ins and quarterly
    reviews."""
    p = bobs_partnership
    p.stage = Stage.ACTIVE
    p.start_date = timezone.localdate() - datetime.timedelta(days=200)
    p.check_in_cadence = Cadence.objects.get(name="Monthly check-in")
    p.review_cadence = Cadence.objects.get(name="Quarterly business review")
    p.save()
    return p


def signed(partnership: Partnership, *, expiry: datetime.date, notice_days: int = 90, **fields):
    """A signed agreement in force, as agreements' signing leaves it."""
    agreement = complete_agreement(
        partnership,
        effective_date=expiry.replace(year=expiry.year - 2),
        expiry_date=expiry,
        notice_period_days=notice_days,
        **fields,
    )
    agreement.status = Status.SIGNED
    agreement.signed_on = agreement.effective_date
    agreement.our_signatory = "Alice Ashby, COO"
    agreement.partner_signatory = "Hannah Berg, VP"
    agreement.save()
    return agreement


@pytest.fixture
def renewing(active, alice) -> Partnership:
    """Bob's partnership in `renewing`, its signed agreement past the notice deadline."""
    today = timezone.localdate()
    signed(active, expiry=today + datetime.timedelta(days=60))
    active.stage = Stage.RENEWING
    active.save()
    factories.ContactFactory(organization=active.organization)
    return active
