"""What the apps above call when something a receiver may want happens:

    from webhooks import events
    events.emit(events.EventType.CONCERN_RAISED, partnership=p, data={...}, url=concern_url,
                summary="High issue raised by the partner: late deliveries", by=user)

It writes the event and its deliveries in the caller's transaction, so they exist if and only
if the change does, and enqueues their delivery once that transaction commits.
"""

import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Delivery, Endpoint, Event, EventType

__all__ = ["EventType", "emit", "person"]

logger = logging.getLogger(__name__)


def site_url() -> str:
    return getattr(settings, "WEBHOOKS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def absolute(url: str) -> str:
    return site_url() + url if url.startswith("/") else url


def person(user) -> dict | None:
    """Who did it, as receivers see them: an id and a name, no e-mail address."""
    if user is None:
        return None
    return {"id": user.pk, "name": str(user)}


def subscribers(event_type: str) -> list[Endpoint]:
    # Few rows (administrators register them), and JSON containment is not portable to SQLite.
    return [e for e in Endpoint.objects.filter(active=True) if event_type in (e.events or [])]


@transaction.atomic
def emit(
    event_type: str,
    *,
    partnership=None,
    data: Mapping | None = None,
    url: str = "",
    summary: str = "",
    by=None,
    endpoints: list[Endpoint] | None = None,
) -> Event | None:
    """Record an event for every active endpoint that wants it; None when none does.

    ``data`` is the event's own part; the partnership (id, name) and who did it are added.
    ``url`` may be a path (``/partnerships/12/``): it is made absolute with ACCORD_SITE_URL.
    ``endpoints`` sends to those endpoints whatever they subscribe to (the test event).
    """
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event type: {event_type}")
    targets = subscribers(event_type) if endpoints is None else endpoints
    if not targets:
        return None
    payload: dict = {}
    if partnership is not None:
        payload["partnership"] = {"id": partnership.pk, "name": partnership.name}
    payload.update(data or {})
    if by is not None:
        payload.setdefault("by", person(by))
    now = timezone.now()
    event = Event.objects.create(
        type=event_type,
        occurred_at=now,
        partnership=partnership,
        summary=(summary or "")[:300],
        data=payload,
        url=absolute(url)[:500],
    )
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(event=event, endpoint=e, next_attempt_at=now, queued_at=now, created_at=now)
            for e in targets
        ]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: enqueue(ids))
    return event


def enqueue(ids: list[int], *, queue: str | None = None) -> int:
    """Publish one delivery task per id. A broker that is down breaks nothing: the rows are
    released, and the next sweep (every minute) enqueues them."""
    from .tasks import deliver

    queue = queue or getattr(settings, "WEBHOOKS_QUEUE", None)
    options = {"queue": queue} if queue else {}
    published = 0
    try:
        with deliver.app.producer_or_acquire() as producer:
            for pk in ids:
                deliver.apply_async(
                    args=[pk], kwargs={"queue": queue}, producer=producer, **options
                )
                published += 1
    except Exception:
        logger.warning(
            "The broker refused %d webhook deliveries; the next sweep will enqueue them.",
            len(ids) - published,
            exc_info=True,
        )
        Delivery.objects.filter(pk__in=ids[published:], status="pending").update(queued_at=None)
    return published
