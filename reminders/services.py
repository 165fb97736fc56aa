"""The reminders engine: the sweep that inserts what is due, and the delivery that sends it.

The row is the truth. Beat only triggers :func:`sweep`; the sweep inserts the reminders now due
in one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per source and enqueues their ids in
batches. :func:`deliver` claims each row with a conditional UPDATE (it goes on only if it
updated the row), sends the e-mail outside any transaction and records the outcome in a small
statement of its own. Rows whose claim or queue entry went stale (a worker killed, the broker
down) are enqueued again by the next sweep; a second delivery of the same id finds the row sent
and does nothing.
"""

import datetime
import logging
import smtplib
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User

from . import registry
from .models import CalendarFeed, NoticePreference, Reminder, ReminderSettings, Status

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def claim_timeout() -> datetime.timedelta:
    """How long a claim or a queue entry is trusted before the sweep hands the row out again.
    Longer than a task may run (CELERY_TASK_TIME_LIMIT), so a live worker is never overtaken."""
    return datetime.timedelta(seconds=_setting("REMINDERS_CLAIM_TIMEOUT", 600))


def batch_size() -> int:
    return _setting("REMINDERS_BATCH_SIZE", 500)


def max_attempts() -> int:
    return _setting("REMINDERS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> datetime.timedelta:
    base = _setting("REMINDERS_RETRY_DELAY", 60)
    return datetime.timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


def site_url() -> str:
    return _setting("REMINDERS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# The sweep -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    created: int
    queued: int
    failed_sources: tuple[str, ...] = ()
    seconds: tuple[tuple[str, float], ...] = ()  # per source, to find a slow one


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_send_time(day: datetime.date, at: datetime.time, zone: str) -> datetime.datetime:
    """``day`` at ``at`` in ``zone``, in UTC: 09:00 in London is 09:00 UTC in winter and 08:00
    UTC in summer. zoneinfo does the daylight-saving arithmetic."""
    local = datetime.datetime.combine(day, at, tzinfo=zone_of(zone))
    return local.astimezone(datetime.UTC)


def reminder_day(now: datetime.datetime, at: datetime.time, zone: str) -> datetime.date:
    """The latest day whose send time has passed in ``zone``."""
    local = now.astimezone(zone_of(zone))
    return local.date() if local.time() >= at else local.date() - datetime.timedelta(days=1)


def sweep(
    *, now: datetime.datetime | None = None, queue: str | None = None, deliver: bool = True
) -> SweepResult:
    """Insert every reminder now due, then enqueue what is unsent. Safe to run twice at once.

    ``deliver=False`` only inserts (the rows are the in-app notices at once); the next sweep
    enqueues them — for callers inside a transaction, such as the demo data."""
    now = now or timezone.now()
    # order_by(): the user model's default ordering would make DISTINCT return a zone per user.
    zones = list(
        User.objects.filter(is_active=True)
        .order_by()
        .values_list("time_zone", flat=True)
        .distinct()
    )
    created: list[int] = []
    failed: list[str] = []
    seconds: list[tuple[str, float]] = []
    if zones:
        reminder_time = ReminderSettings.load().reminder_time
        for source in registry.sources():
            started = time.perf_counter()
            try:
                # A savepoint inside a caller's transaction: a source's SQL error rolls back
                # that source alone.
                with transaction.atomic():
                    _plan_with_values()
                    at = source.send_at() if source.send_at else reminder_time
                    created += _insert_due(source, zones, at, now)
            except Exception:
                # One broken source must not stop the others' reminders.
                logger.exception("Reminder source %s failed", source.name)
                failed.append(source.name)
            seconds.append((source.name, time.perf_counter() - started))
    if not deliver:
        Reminder.objects.filter(pk__in=created).update(queued_at=None)
        return SweepResult(len(created), 0, tuple(failed), tuple(seconds))
    queued = enqueue(created, queue=queue) if created else 0
    queued += requeue_stale(now=now, queue=queue)
    return SweepResult(
        created=len(created),
        queued=queued,
        failed_sources=tuple(failed),
        seconds=tuple(seconds),
    )


def _plan_with_values() -> None:
    """Plan the sweep's statements for the values at hand, every time. A worker's connection
    lives long, so psycopg prepares them (settings: prepared statements) and PostgreSQL may
    settle on a generic plan: right for a page's lookups, but the sweep's joins depend on how
    many rows are due and how full the outbox is (a nested loop once took 92 s instead of 2 s).
    It holds until the end of the transaction the sweep runs in: its own, in a worker."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")


def _insert_due(
    source: registry.ReminderSource, zones: list[str], at: datetime.time, now: datetime.datetime
) -> list[int]:
    by_day: dict[datetime.date, list[str]] = defaultdict(list)
    for zone in zones:
        by_day[reminder_day(now, at, zone)].append(zone)
    window = registry.DueWindow(earliest=min(by_day), latest=max(by_day), now=now)
    querysets = [qs for qs in source.due(window) if qs is not None]
    if not querysets:
        return []
    return _insert(querysets, by_day, at, now)


def _compile(queryset: QuerySet) -> tuple[str, tuple]:
    fields = set(getattr(queryset, "_fields", None) or ())
    prefix = registry.PREFIX if fields == {registry.PREFIX + c for c in registry.COLUMNS} else ""
    if not prefix and fields != set(registry.COLUMNS):
        raise ValueError(
            f"A reminder source must return .values() naming exactly {registry.COLUMNS}; "
            f"got {tuple(fields)}."
        )
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(f"q.{qn(prefix + c)} AS {qn(c)}" for c in registry.COLUMNS)
    return f"SELECT {columns} FROM ({sql}) q", tuple(params)


def _insert(
    querysets: Sequence[QuerySet],
    by_day: dict[datetime.date, list[str]],
    at: datetime.time,
    now: datetime.datetime,
) -> list[int]:
    qn = connection.ops.quote_name
    ops = connection.ops
    parts = [_compile(qs) for qs in querysets]
    union = " UNION ALL ".join(sql for sql, _ in parts)
    union_params = tuple(p for _, ps in parts for p in ps)

    def dt(value: datetime.datetime):
        return ops.adapt_datetimefield_value(value)

    def d(value: datetime.date):
        return ops.adapt_datefield_value(value)

    # Which rows are due: per time zone, reminder days up to that zone's "today".
    where, where_params = [], []
    # When each is due: the reminder day at the send time in the recipient's zone. Older days
    # (a sweep catching up) are due now.
    cases, case_params = [], []
    for day, zones in by_day.items():
        marks = ", ".join(["%s"] * len(zones))
        where.append(
            f"(u.{qn('time_zone')} IN ({marks}) AND s.{qn('remind_on')} <= %s "
            f"AND (s.{qn('last_day')} IS NULL OR s.{qn('last_day')} >= %s))"
        )
        where_params += [*zones, d(day), d(day)]
        for zone in zones:
            for shown in (day, day - datetime.timedelta(days=1)):
                cases.append(f"WHEN u.{qn('time_zone')} = %s AND s.{qn('remind_on')} = %s THEN %s")
                case_params += [zone, d(shown), dt(local_send_time(shown, at, zone))]

    table = qn(Reminder._meta.db_table)
    users = qn(User._meta.db_table)
    # Days the outbox was pruned of are closed for good (see outbox_prune): read by the INSERT
    # itself, so a sweep running while the outbox is pruned sees the mark with the deletions.
    pruned = (
        f"NOT EXISTS (SELECT 1 FROM {qn(ReminderSettings._meta.db_table)} w "
        f"WHERE w.{qn('id')} = 1 AND w.{qn('outbox_pruned_before')} > s.{qn('remind_on')})"
    )
    # The outbox's unique key, "sent once". NOT EXISTS drops the rows already in the outbox
    # before they reach the INSERT: through ON CONFLICT alone, each of them cost an id drawn
    # from the sequence, a primary-key probe and a speculative-insert check (0.45 s of a
    # 0.7 s re-run over 100,000 due rows). ORDER BY by that key makes the whole SELECT,
    # probe included, finish before the first row is inserted, so the probe reads the outbox
    # as it was: streamed, a plan that scans the table per row (the planner's choice when
    # the outbox looks empty) rescans the rows being inserted, quadratic (92 s instead of 2 s
    # for 100,000). Sorted rows also enter the unique index in its order. ON CONFLICT, on
    # that key only, still settles two sweeps racing.
    key_columns = _unique_key_columns()
    once = ", ".join(qn(c) for c in key_columns)
    already = " AND ".join(f"r.{qn(c)} = s.{qn(c)}" for c in key_columns)
    in_key_order = ", ".join(f"s.{qn(c)}" for c in key_columns)
    sql = (
        f"INSERT INTO {table} ({qn('kind')}, {qn('subject_key')}, {qn('due_on')}, "
        f"{qn('remind_on')}, {qn('recipient_id')}, {qn('url')}, {qn('title')}, "
        f"{qn('send_after')}, {qn('created_at')}, {qn('queued_at')}, {qn('status')}, "
        f"{qn('attempts')}, {qn('last_error')}) "
        f"SELECT s.{qn('kind')}, s.{qn('subject_key')}, s.{qn('due_on')}, s.{qn('remind_on')}, "
        f"s.{qn('recipient_id')}, s.{qn('url')}, s.{qn('title')}, "
        f"CASE {' '.join(cases)} ELSE %s END, %s, %s, %s, 0, '' "
        f"FROM ({union}) s INNER JOIN {users} u ON u.{qn('id')} = s.{qn('recipient_id')} "
        f"WHERE u.{qn('is_active')} = %s AND ({' OR '.join(where)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {table} r WHERE {already}) AND {pruned} "
        f"ORDER BY {in_key_order} "
        f"ON CONFLICT ({once}) DO NOTHING RETURNING {qn('id')}"
    )
    params = (
        *case_params,
        dt(now),
        dt(now),
        dt(now),
        Status.PENDING,
        *union_params,
        True,
        *where_params,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _unique_key_columns() -> list[str]:
    (once,) = (c for c in Reminder._meta.constraints if c.name == "reminders_reminder_once")
    return [Reminder._meta.get_field(name).column for name in once.fields]


def enqueue(ids: Sequence[int], *, queue: str | None = None) -> int:
    """Publish delivery tasks in batches. If the broker is down, the rows not published are
    released for the next sweep: nothing is lost, nothing waits on the broker."""
    from .tasks import deliver as deliver_task

    ids = list(ids)
    queue = queue or _setting("REMINDERS_QUEUE", None)
    size = batch_size()
    published = 0
    options = {"queue": queue} if queue else {}
    try:
        # One producer (one broker connection) for all the batches.
        with deliver_task.app.producer_or_acquire() as producer:
            for start in range(0, len(ids), size):
                batch = ids[start : start + size]
                deliver_task.apply_async(args=[batch], producer=producer, **options)
                published += len(batch)
    except Exception:
        logger.warning(
            "The broker refused %d reminders; the next sweep will enqueue them.",
            len(ids) - published,
            exc_info=True,
        )
        Reminder.objects.filter(pk__in=ids[published:], status=Status.PENDING).update(
            queued_at=None
        )
    return published


def requeue_stale(*, now: datetime.datetime | None = None, queue: str | None = None) -> int:
    """Enqueue unsent rows that no live task holds: never queued, queued by a sweep whose
    message was lost, or claimed by a worker that died."""
    now = now or timezone.now()
    stale = now - claim_timeout()
    ids = list(
        Reminder.objects.filter(status=Status.PENDING, send_after__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:50_000]
    )
    if not ids:
        return 0
    Reminder.objects.filter(pk__in=ids).update(queued_at=now)
    return enqueue(ids, queue=queue)


# Delivery --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryResult:
    sent: int = 0
    in_app: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def claim_chunk() -> int:
    """Rows claimed per UPDATE: fewer round trips, and a killed worker strands at most this many
    rows until their claim goes stale."""
    return _setting("REMINDERS_CLAIM_CHUNK", 10)


def _claim(pks: Sequence[int]) -> set[int]:
    """Take the rows that are still unsent and that nobody live holds. Only the rows this UPDATE
    changed are ours (RETURNING, on PostgreSQL and SQLite alike; no SELECT … FOR UPDATE)."""
    if not pks:
        return set()
    now = timezone.now()
    qn = connection.ops.quote_name
    ops = connection.ops
    marks = ", ".join(["%s"] * len(pks))
    sql = (
        f"UPDATE {qn(Reminder._meta.db_table)} SET {qn('claimed_at')} = %s "
        f"WHERE {qn('id')} IN ({marks}) AND {qn('status')} = %s AND {qn('send_after')} <= %s "
        f"AND ({qn('claimed_at')} IS NULL OR {qn('claimed_at')} < %s) RETURNING {qn('id')}"
    )
    params = [
        ops.adapt_datetimefield_value(now),
        *pks,
        Status.PENDING,
        ops.adapt_datetimefield_value(now),
        ops.adapt_datetimefield_value(now - claim_timeout()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _preference(user: User) -> NoticePreference:
    try:
        return user.notice_preference
    except NoticePreference.DoesNotExist:
        return NoticePreference(user=user)


def build_message(reminder: Reminder) -> EmailMultiAlternatives:
    user = reminder.recipient
    context = {
        "reminder": reminder,
        "user": user,
        "site_url": site_url(),
        "link": site_url() + reminder.url,
        "preferences_link": site_url() + "/notices/preferences/",
    }
    custom = registry.email_for(reminder.kind)
    if custom is not None:
        context.update(custom.context(reminder))
        name = custom.template
    elif reminder.kind == registry.DIGEST_KIND:
        context["sections"] = digest_for(user, reminder.remind_on)
        name = "reminders/email/digest"
    else:
        name = "reminders/email/reminder"
    text_body = render_to_string(f"{name}.txt", context)
    html_body = render_to_string(f"{name}.html", context)
    message = EmailMultiAlternatives(
        subject=reminder.title,
        body=text_body,
        to=[user.email],
        headers={"X-Accord-Reminder": str(reminder.pk), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html_body, "text/html")
    return message


def _permanent(exc: Exception) -> bool:
    """A refusal that trying again will not change (a 5xx for this recipient)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _record_failure(reminder: Reminder, exc: Exception) -> str:
    attempts = reminder.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    rows = Reminder.objects.filter(pk=reminder.pk, status=Status.PENDING)
    if _permanent(exc) or attempts >= max_attempts():
        rows.update(status=Status.FAILED, attempts=attempts, last_error=error, claimed_at=None)
        return "failed"
    rows.update(
        attempts=attempts,
        last_error=error,
        claimed_at=None,
        queued_at=None,
        send_after=timezone.now() + retry_delay(attempts),
    )
    return "retrying"


def deliver(ids: Iterable[int]) -> DeliveryResult:
    """Send the reminders with these ids that are still unsent; each at most once."""
    rows = list(
        Reminder.objects.filter(pk__in=list(ids), status=Status.PENDING)
        .select_related("recipient", "recipient__notice_preference")
        .order_by("pk")
    )
    counts = defaultdict(int)
    mail = None
    size = claim_chunk()
    try:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            mine = _claim([r.pk for r in chunk])
            counts["skipped"] += len(chunk) - len(mine)
            for reminder in chunk:
                if reminder.pk not in mine:
                    continue
                outcome, mail = _deliver_one(reminder, mail)
                counts[outcome] += 1
    finally:
        if mail is not None:
            _close(mail)
    return DeliveryResult(**counts)


def _deliver_one(reminder: Reminder, mail):
    """Send one claimed reminder; the e-mail goes out outside any transaction, and the outcome
    is recorded by a statement of its own right after."""
    custom = registry.email_for(reminder.kind)
    forced = custom is not None and custom.always_email
    if not forced and not _preference(reminder.recipient).wants_email(reminder.kind):
        Reminder.objects.filter(pk=reminder.pk, status=Status.PENDING).update(
            status=Status.IN_APP, claimed_at=None
        )
        return "in_app", mail
    try:
        message = build_message(reminder)
        if mail is None:
            mail = get_connection()
            mail.open()
        message.connection = mail
        message.send()
    except Exception as exc:
        if not isinstance(exc, smtplib.SMTPRecipientsRefused) and mail is not None:
            # The connection may be broken: start afresh for the next one.
            _close(mail)
            mail = None
        return _record_failure(reminder, exc), mail
    _record_sent(reminder.pk)
    return "sent", mail


def _record_sent(pk: int) -> None:
    # Plain SQL: this runs once per e-mail, and the ORM's query building was a visible share.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Reminder._meta.db_table)} SET {qn('status')} = %s, "
            f"{qn('sent_at')} = %s, {qn('claimed_at')} = NULL, "
            f"{qn('attempts')} = {qn('attempts')} + 1 "
            f"WHERE {qn('id')} = %s AND {qn('status')} = %s",
            [Status.SENT, connection.ops.adapt_datetimefield_value(timezone.now()), pk,
             Status.PENDING],
        )  # fmt: skip


def _close(mail) -> None:
    try:
        mail.close()
    except Exception:
        logger.debug("Closing the mail connection failed", exc_info=True)


# Retention ----------------------------------------------------------------------------------


def retention_days() -> int:
    return _setting("REMINDERS_OUTBOX_RETENTION_DAYS", 180)


PRUNE_BATCH = 5000


def outbox_prune(*, now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Delete the outbox rows older than the retention that are done with: sent by e-mail, or
    in-app only. Pending and failed rows stay whatever their age: they are the work still to do
    and what administrators send again (the admin's failed filter and "Send again").

    Sent once, never again: the outbox row is also the dedupe key of its reminder, and some
    reminders stay due for as long as their subject is (an overdue check-in reminds "until
    sent"). So the days pruned are closed first, in a transaction of their own: from then on
    the sweep inserts no reminder for a day before ``outbox_pruned_before`` (it reads the mark
    in its INSERT), and only rows for such days are deleted. The mark only moves forward, so a
    longer retention set later reopens nothing. Returns the number of rows deleted."""
    days = retention_days() if days is None else days
    if days <= 0:
        return 0  # 0: keep everything
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    with transaction.atomic():
        row, _ = ReminderSettings.objects.select_for_update().get_or_create(pk=1)
        day = cutoff.date()
        if row.outbox_pruned_before is None or row.outbox_pruned_before < day:
            row.outbox_pruned_before = day
            row.save(update_fields=["outbox_pruned_before"])
        closed = row.outbox_pruned_before
    done = Reminder.objects.filter(
        status__in=[Status.SENT, Status.IN_APP], remind_on__lt=closed, created_at__lt=cutoff
    )
    deleted = 0
    while True:
        # Batches, each its own short statement: no long lock on a large outbox.
        batch = list(done.order_by().values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return deleted
        deleted += Reminder.objects.filter(pk__in=batch).delete()[0]


@transaction.atomic
def reminders_send_again(*, ids: Sequence[int]) -> int:
    """Failed reminders go back to the outbox, to be delivered once the transaction commits."""
    ids = list(
        Reminder.objects.filter(pk__in=list(ids), status=Status.FAILED).values_list("pk", flat=True)
    )
    now = timezone.now()
    Reminder.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, claimed_at=None, queued_at=now, send_after=now
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


# In-app notices and preferences ---------------------------------------------------------------


def unread_count(user) -> int:
    """The bell's figure, on every page. Plain SQL (the partial index ``reminders_unread_idx``
    answers it), measured on 7 Dec 2026 (benchmarks/README.md): 155–167 µs, against 529–537 µs
    through the ORM; a cached count would cost a Redis GET (215–232 µs) and an invalidation in
    every writer of notices, the sweep's bulk insert among them."""
    meta, qn = Reminder._meta, connection.ops.quote_name
    recipient, read_at = (qn(meta.get_field(name).column) for name in ("recipient", "read_at"))
    sql = f"SELECT COUNT(*) FROM {qn(meta.db_table)} WHERE {recipient} = %s AND {read_at} IS NULL"
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return cursor.fetchone()[0]


def notice_mark_read(*, user: User, pk: int) -> Reminder:
    reminder = Reminder.objects.get(pk=pk, recipient=user)
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        Reminder.objects.filter(pk=pk, read_at__isnull=True).update(read_at=reminder.read_at)
    return reminder


def notices_mark_all_read(*, user: User) -> int:
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_for(user: User) -> NoticePreference:
    return NoticePreference.objects.filter(user=user).first() or NoticePreference(user=user)


@transaction.atomic
def preferences_save(
    *, user: User, digest_only: bool, weekly_digest: bool, email_off_kinds: Sequence[str]
) -> NoticePreference:
    known = registry.kinds()
    preference = preferences_for(user)
    preference.digest_only = digest_only
    preference.weekly_digest = weekly_digest
    preference.email_off_kinds = sorted(k for k in set(email_off_kinds) if k in known)
    preference.full_clean()
    preference.save()
    return preference


# The calendar feed -----------------------------------------------------------------------------


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one answers 404 from now on."""
    from .models import new_feed_token

    feed = calendar_feed_for(user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_events(
    user: User, start: datetime.date, end: datetime.date
) -> list[registry.CalendarEvent]:
    events = [e for source in registry.calendar_sources() for e in source(user, start, end)]
    return sorted(events, key=lambda e: (e.start, e.summary))


def render_calendar(user: User, events: Sequence[registry.CalendarEvent]) -> bytes:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Accord//Partnership reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Accord · {user}")
    calendar.add("x-wr-timezone", user.time_zone)
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    stamp = timezone.now()
    host = site_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "accord"
    for item in events:
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.start + datetime.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("transp", "TRANSPARENT")
        if item.url:
            link = site_url() + item.url if item.url.startswith("/") else item.url
            event.add("url", link)
            event.add("description", (item.description + "\n\n" + link).strip())
        elif item.description:
            event.add("description", item.description)
        if item.categories:
            event.add("categories", list(item.categories))
        calendar.add_component(event)
    return calendar.to_ical()


# The weekly digest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestPart:
    section: registry.DigestSection
    items: list[registry.DigestItem]


def digest_for(user: User, today: datetime.date) -> list[DigestPart]:
    parts = []
    for section in registry.digest_sections():
        items = list(section.items(user, today))
        if items or section.empty_text:
            parts.append(DigestPart(section=section, items=items))
    return parts


def notify_now(
    *,
    kind: str,
    subject_key: str,
    on: datetime.date,
    recipients: Iterable[User],
    url: str,
    title: str,
) -> None:
    """An in-app notice at once (the next sweep e-mails it), for events rather than due dates.

    It is an outbox row like any reminder: a source that registers the same kind and key never
    adds a second one, and the unique constraint keeps a repeated call from doubling it.
    """
    now = timezone.now()
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=kind,
                subject_key=subject_key,
                due_on=on,
                remind_on=on,
                recipient=person,
                url=url,
                title=title[:300],
                send_after=now,
            )
            for person in recipients
        ],
        ignore_conflicts=True,
    )
