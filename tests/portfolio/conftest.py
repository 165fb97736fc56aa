import datetime

import pytest
from django.utils import timezone

from partnerships.models import Partnership, Stage
from reminders.models import Cadence
from tests import factories


def live_partnership(**fields) -> Partnership:
    """An active partnership with monthly check-ins and quarterly reviews, nothing overdue."""
    today = timezone.localdate()
    fields.setdefault("stage", Stage.ACTIVE)
    fields.setdefault("start_date", today - datetime.timedelta(days=300))
    fields.setdefault("check_in_cadence", Cadence.objects.get(name="Monthly check-in"))
    fields.setdefault("review_cadence", Cadence.objects.get(name="Quarterly business review"))
    fields.setdefault("next_check_in_due", today + datetime.timedelta(days=10))
    fields.setdefault("next_review_due", today + datetime.timedelta(days=40))
    return factories.PartnershipFactory(**fields)


@pytest.fixture
def live(bobs_partnership) -> Partnership:
    """Bob's partnership, live, with nothing to judge yet."""
    today = timezone.localdate()
    p = bobs_partnership
    p.stage = Stage.ACTIVE
    p.start_date = today - datetime.timedelta(days=300)
    p.check_in_cadence = Cadence.objects.get(name="Monthly check-in")
    p.review_cadence = Cadence.objects.get(name="Quarterly business review")
    p.next_check_in_due = today + datetime.timedelta(days=10)
    p.next_review_due = today + datetime.timedelta(days=40)
    p.save()
    return p
