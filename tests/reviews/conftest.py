import datetime

import pytest
from django.utils import timezone

from partnerships.models import Stage
from reminders.models import Cadence
from tests import factories


@pytest.fixture
def quarterly(db) -> Cadence:
    return Cadence.objects.get(name="Quarterly business review")


@pytest.fixture
def active(bobs_partnership, quarterly):
    """Bob's partnership, active, with a partner contact and a quarterly review due in 5 days."""
    contact = factories.ContactFactory(name="Hannah Berg")
    p = bobs_partnership
    p.stage = Stage.ACTIVE
    p.organization = contact.organization
    p.review_cadence = quarterly
    p.next_review_due = timezone.localdate() + datetime.timedelta(days=5)
    p.save()
    p.contact = contact
    return p


def months_ago(n: int) -> datetime.date:
    """The first day of the month n months before this one."""
    day = timezone.localdate().replace(day=1)
    for _ in range(n):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day
