import datetime
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone

from partnerships.models import Stage
from reminders.models import Cadence
from tests import factories


@pytest.fixture
def monthly(db) -> Cadence:
    return Cadence.objects.get(name="Monthly check-in")


@pytest.fixture
def weekly(db) -> Cadence:
    return Cadence.objects.get(name="Weekly check-in")


@pytest.fixture
def active(bobs_partnership, monthly):
    """Bob's partnership, active, with a partner, a contact and a monthly check-in due in 3 days."""
    contact = factories.ContactFactory(name="Hannah Berg")
    p = bobs_partnership
    p.stage = Stage.ACTIVE
    p.organization = contact.organization
    p.check_in_cadence = monthly
    p.next_check_in_due = timezone.localdate() + datetime.timedelta(days=3)
    p.save()
    p.contact = contact
    return p


@pytest.fixture(autouse=True)
def reminders_queue(settings) -> Iterator[str]:
    """Delivery tasks of a sweep go to a queue of their own, emptied afterwards."""
    queue = f"accord-test-communications-{uuid.uuid4().hex[:8]}"
    settings.REMINDERS_QUEUE = queue
    yield queue
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(queue)
