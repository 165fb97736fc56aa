import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings as django_settings

from webhooks.models import SUBSCRIBABLE, Endpoint

from ..reminders.conftest import spare_redis, start_worker  # noqa: F401  (fixtures)
from .receiver import Plan, Receiver


@pytest.fixture(autouse=True)
def webhooks_queue(settings) -> Iterator[str]:
    """Delivery tasks of these tests go to a queue of their own, emptied afterwards."""
    queue = f"accord-test-webhooks-{uuid.uuid4().hex[:8]}"
    settings.WEBHOOKS_QUEUE = queue
    settings.WEBHOOKS_SITE_URL = "https://accord.example.com"
    yield queue
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(queue)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


def make_endpoint(url: str, *, events=None, **fields) -> Endpoint:
    endpoint = Endpoint(
        name=fields.pop("name", f"Endpoint {uuid.uuid4().hex[:6]}"),
        url=url,
        events=[value for value, _ in SUBSCRIBABLE] if events is None else events,
        **fields,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@pytest.fixture
def endpoint(db, receiver) -> Endpoint:
    """An endpoint that wants every event, on the test's receiver (which knows its secret)."""
    made = make_endpoint(receiver.url, name="Receiver")
    receiver.secret = made.secret
    return made


__all__ = ["Plan", "make_endpoint"]
