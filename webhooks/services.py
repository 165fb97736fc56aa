"""Delivery of the event outbox: claim, send, record; the sweep; send again; retention.

As in the reminders' outbox, the row is the truth. A delivery task claims its row with one
conditional UPDATE (pending and due, or claimed so long ago that its worker must have died)
and goes on only if that UPDATE changed it. The request is made outside any transaction; the
outcome is recorded by an UPDATE fenced on the claim (the same ``claimed_at``), so a worker
that lost its claim can never overwrite what another recorded. Two tasks for one delivery, a
retried task or a restarted worker therefore send it once; the one gap no HTTP exchange
closes is a worker killed between the receiver's 2xx and our record of it, which sends that
event again, with the same ``webhook-id``, once the claim times out (receivers drop repeats
by that id).
"""

import datetime
import email.utils
import logging
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import addresses, payloads
from .models import Attempt, Delivery, Endpoint, Event, EventType, Status

logger = logging.getLogger(__name__)

EXCERPT = 1000  # characters of a response body kept
READ_LIMIT = 8192  # bytes of a response body read at most
# A retry due sooner than this is also enqueued with a countdown, so it goes out on time; the
# sweep (every minute) is what guarantees it, whatever happens to that message.
COUNTDOWN_LIMIT = 600


def _setting(name: str, default):
    return getattr(settings, name, default)


def claim_timeout() -> datetime.timedelta:
    """Longer than a delivery task may run, so a live worker is never overtaken."""
    return datetime.timedelta(seconds=_setting("WEBHOOKS_CLAIM_TIMEOUT", 600))


def max_attempts() -> int:
    return max(1, _setting("WEBHOOKS_MAX_ATTEMPTS", 6))


def retry_delay(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h, then 12 h again."""
    delays = _setting("WEBHOOKS_RETRY_DELAYS", [60, 300, 1800, 7200, 43200]) or [60]
    return datetime.timedelta(seconds=delays[min(attempts, len(delays)) - 1])


def request_timeout() -> float:
    return float(_setting("WEBHOOKS_TIMEOUT", 10))


# The claim -------------------------------------------------------------------------------------


def claim(pk: int, *, now: datetime.datetime | None = None) -> Delivery | None:
    """Take the delivery if it is due and nobody live holds it; None otherwise."""
    now = now or timezone.now()
    taken = (
        Delivery.objects.filter(pk=pk)
        .filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.CLAIMED, claimed_at__lt=now - claim_timeout())
        )
        .update(status=Status.CLAIMED, claimed_at=now)
    )
    if not taken:
        return None
    return Delivery.objects.select_related("event", "endpoint").get(pk=pk)


def _ours(delivery: Delivery):
    """The row, as long as the claim is still this task's."""
    return Delivery.objects.filter(
        pk=delivery.pk, status=Status.CLAIMED, claimed_at=delivery.claimed_at
    )


# Sending ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    retry: bool = False  # worth trying again
    retry_after: int | None = None  # seconds the receiver asked for (429, 503)
    seconds: float = 0.0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - timezone.now()).total_seconds()))


def _read_excerpt(response: httpx.Response, deadline: float) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= READ_LIMIT or time.monotonic() > deadline:
            break
    return data[:READ_LIMIT].decode("utf-8", errors="replace")[:EXCERPT]


def send(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST once, to the address checked, without following redirects or any proxy."""
    started = time.monotonic()

    def took() -> float:
        return time.monotonic() - started

    try:
        target = addresses.target_of(url)
    except addresses.AddressRefused as exc:
        return Outcome(error=f"Refused: {exc}", seconds=took())
    except addresses.NotResolved as exc:
        return Outcome(error=f"DNS: {exc}", retry=True, seconds=took())
    pinned = httpx.URL(url).copy_with(host=str(target.address))
    default_port = 443 if target.scheme == "https" else 80
    shown = f"[{target.host}]" if ":" in target.host else target.host
    host_header = shown if target.port == default_port else f"{shown}:{target.port}"
    timeout = request_timeout()
    try:
        # A client per request: its pool is keyed on the address, so two endpoints on one
        # address must not share a TLS connection made for the other's name.
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST",
                pinned,
                content=body,
                headers={**headers, "host": host_header},
                # TLS to the name in the URL: SNI and the certificate check use it.
                extensions={"sni_hostname": target.host},
            ) as response,
        ):
            excerpt = _read_excerpt(response, started + 2 * timeout)
            code = response.status_code
    except httpx.TimeoutException as exc:
        return Outcome(error=f"Timed out: {type(exc).__name__}", retry=True, seconds=took())
    except httpx.HTTPError as exc:
        return Outcome(error=f"{type(exc).__name__}: {exc}"[:2000], retry=True, seconds=took())
    if 200 <= code < 300:
        return Outcome(status_code=code, excerpt=excerpt, seconds=took())
    if 300 <= code < 400:
        where = response.headers.get("location", "")
        error = f"HTTP {code}: redirects are not followed; set the endpoint's URL to {where}"
        return Outcome(status_code=code, error=error[:2000], excerpt=excerpt, seconds=took())
    retry = code >= 500 or code in (408, 429)
    return Outcome(
        status_code=code,
        error=f"HTTP {code}",
        excerpt=excerpt,
        retry=retry,
        retry_after=_retry_after(response) if retry else None,
        seconds=took(),
    )


@dataclass(frozen=True)
class Result:
    outcome: str  # delivered, retrying, failed, skipped
    next_attempt_at: datetime.datetime | None = None


def deliver(pk: int, *, queue: str | None = None) -> Result:
    """Send one delivery if it is still to be sent; at most once successfully."""
    delivery = claim(pk)
    if delivery is None:
        return Result("skipped")
    endpoint, event = delivery.endpoint, delivery.event
    number = delivery.attempts + 1
    if not endpoint.active:
        _ours(delivery).update(
            status=Status.FAILED,
            claimed_at=None,
            last_error="The endpoint is switched off.",
        )
        return Result("failed")
    try:
        body = payloads.body_for(event, endpoint)
        headers = payloads.headers_for(event, endpoint, body, int(time.time()))
        outcome = send(endpoint.url, body, headers)
    except Exception as exc:
        # Whatever went wrong counts as an attempt, so the claim is released and the delivery
        # ends (failed, after the last attempt) instead of being handed out for ever.
        logger.exception("Delivery %s failed unexpectedly", delivery.pk)
        outcome = Outcome(error=f"{type(exc).__name__}: {exc}"[:2000], retry=True)
    return _record(delivery, number, outcome, queue=queue)


def _record(delivery: Delivery, number: int, outcome: Outcome, *, queue: str | None) -> Result:
    now = timezone.now()
    fields = {
        "attempts": number,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "response_excerpt": outcome.excerpt,
        "claimed_at": None,
    }
    next_at = None
    if outcome.delivered:
        fields.update(status=Status.DELIVERED, delivered_at=now)
        result = "delivered"
    elif outcome.retry and number < max_attempts():
        delay = retry_delay(number)
        if outcome.retry_after:
            delay = max(delay, datetime.timedelta(seconds=min(outcome.retry_after, 43200)))
        next_at = now + delay
        fields.update(status=Status.PENDING, next_attempt_at=next_at, queued_at=None)
        result = "retrying"
    else:
        fields.update(status=Status.FAILED)
        result = "failed"
    with transaction.atomic():
        if not _ours(delivery).update(**fields):
            # Our claim went stale and another worker took the row over: it records its own.
            logger.warning("Delivery %s: claim lost before its outcome was recorded", delivery.pk)
            return Result("skipped")
        Attempt.objects.create(
            delivery_id=delivery.pk,
            number=number,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            response_excerpt=outcome.excerpt,
            duration_ms=int(outcome.seconds * 1000),
        )
    if next_at is not None and (next_at - now).total_seconds() <= COUNTDOWN_LIMIT:
        _enqueue_later(delivery.pk, next_at, queue=queue)
    return Result(result, next_at)


def _enqueue_later(pk: int, at: datetime.datetime, *, queue: str | None) -> None:
    from .tasks import deliver as deliver_task

    queue = queue or _setting("WEBHOOKS_QUEUE", None)
    try:
        deliver_task.apply_async(
            args=[pk],
            kwargs={"queue": queue},
            countdown=max(0.0, (at - timezone.now()).total_seconds()),
            **({"queue": queue} if queue else {}),
        )
    except Exception:
        logger.warning("Could not enqueue the retry of delivery %s; the sweep will", pk)
        return
    Delivery.objects.filter(pk=pk, status=Status.PENDING).update(queued_at=timezone.now())


# The sweep -------------------------------------------------------------------------------------

SWEEP_LIMIT = 10_000


def sweep(*, now: datetime.datetime | None = None, queue: str | None = None) -> int:
    """Enqueue what is due and held by nobody live: never queued (the broker was down), a
    retry whose time has come, a message lost, a claim whose worker died."""
    from .events import enqueue

    now = now or timezone.now()
    stale = now - claim_timeout()
    ids = list(
        Delivery.objects.filter(
            Q(
                status=Status.PENDING,
                next_attempt_at__lte=now,
            )
            & (Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
            | Q(status=Status.CLAIMED, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    if not ids:
        return 0
    Delivery.objects.filter(pk__in=ids).update(queued_at=now)
    return enqueue(ids, queue=queue)


# Send again ------------------------------------------------------------------------------------


@transaction.atomic
def deliveries_send_again(*, ids, include_delivered: bool = False) -> int:
    """Failed deliveries (and, only when asked, delivered ones) go back to the outbox with
    their attempts reset, to be sent once this transaction commits. The event, its body and
    its webhook-id stay the same."""
    from .events import enqueue

    statuses = [Status.FAILED, Status.DELIVERED] if include_delivered else [Status.FAILED]
    ids = list(
        Delivery.objects.filter(pk__in=list(ids), status__in=statuses).values_list("pk", flat=True)
    )
    now = timezone.now()
    Delivery.objects.filter(pk__in=ids).update(
        status=Status.PENDING,
        attempts=0,
        claimed_at=None,
        queued_at=now,
        next_attempt_at=now,
        delivered_at=None,
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def send_test_event(*, endpoints: list[Endpoint], by) -> Event | None:
    """A ``webhook.test`` event to these endpoints, whatever they subscribe to."""
    from .events import emit

    return emit(
        EventType.TEST,
        data={"message": "A test event from Accord's webhook settings."},
        summary="Test event: this endpoint receives Accord's webhooks.",
        url="/admin/webhooks/endpoint/",
        by=by,
        endpoints=[e for e in endpoints if e.active],
    )


# Retention ----------------------------------------------------------------------------------


def retention_days() -> int:
    return _setting("WEBHOOKS_RETENTION_DAYS", 30)


PRUNE_BATCH = 2000


def outbox_prune(*, now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Delete events older than the retention whose every delivery was delivered (with their
    deliveries and attempts). Events with a pending or failed delivery stay: the work still to
    do and what administrators send again. Returns the number of events deleted."""
    days = retention_days() if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    unfinished = Delivery.objects.filter(event=OuterRef("pk")).exclude(status=Status.DELIVERED)
    done = Event.objects.filter(occurred_at__lt=cutoff).filter(~Exists(unfinished))
    deleted = 0
    while True:
        batch = list(done.order_by().values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return deleted
        with transaction.atomic():
            Attempt.objects.filter(delivery__event__in=batch).delete()
            Delivery.objects.filter(event__in=batch).delete()
            deleted += Event.objects.filter(pk__in=batch).delete()[0]
