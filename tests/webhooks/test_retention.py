"""The outbox keeps delivered events for ACCORD_WEBHOOK_RETENTION_DAYS; what still has work to
do (pending, failed) stays whatever its age."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from webhooks import tasks
from webhooks.models import Attempt, Delivery, Event, EventType, Status

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db


def aged(days: int, *statuses: str) -> Event:
    event = Event.objects.create(
        type=EventType.REVIEW_HELD,
        occurred_at=timezone.now() - datetime.timedelta(days=days),
        data={},
    )
    for index, status in enumerate(statuses):
        endpoint = make_endpoint(f"http://127.0.0.1:9/{event.pk}/{index}")
        row = Delivery.objects.create(event=event, endpoint=endpoint, status=status, attempts=1)
        Attempt.objects.create(delivery=row, number=1, status_code=200)
    return event


def test_delivered_events_past_the_retention_are_pruned_and_the_rest_stays(settings):
    settings.WEBHOOKS_RETENTION_DAYS = 30
    old_done = aged(40, Status.DELIVERED, Status.DELIVERED)
    old_unsubscribed = aged(40)
    old_failed = aged(40, Status.DELIVERED, Status.FAILED)
    old_pending = aged(40, Status.PENDING)
    recent = aged(5, Status.DELIVERED)
    assert tasks.prune_outbox() == 2
    left = set(Event.objects.values_list("pk", flat=True))
    assert left == {old_failed.pk, old_pending.pk, recent.pk}
    assert not Delivery.objects.filter(event_id__in=[old_done.pk, old_unsubscribed.pk]).exists()
    assert Attempt.objects.count() == 4
    assert tasks.prune_outbox() == 0


def test_zero_keeps_everything_and_the_command_does_the_same(settings):
    aged(400, Status.DELIVERED)
    settings.WEBHOOKS_RETENTION_DAYS = 0
    assert tasks.prune_outbox() == 0
    settings.WEBHOOKS_RETENTION_DAYS = 30
    out = io.StringIO()
    call_command("prune_webhooks", stdout=out)
    assert out.getvalue().strip() == "deleted=1"


def test_beat_sweeps_every_minute_and_prunes_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["webhooks-sweep"]["task"] == "webhooks.tasks.sweep"
    assert schedule["webhooks-sweep"]["schedule"] == 60.0
    assert schedule["webhooks-prune-outbox"]["task"] == "webhooks.tasks.prune_outbox"
