"""Reminders at scale: the sweep over 100,000 partnerships, and delivery of 10,000 e-mails.

Run from the project folder, with PostgreSQL and Redis on localhost:

    uv run python benchmarks/reminders_bench.py

It (re)creates its own database, `accord_bench`, bulk-inserts the seed rows, and uses Redis
database 13 and a queue of its own. It prints what it measured; benchmarks/README.md keeps the
last figures.

1. 100,000 active partnerships, each with a check-in due today and a signed agreement whose
   notice deadline is not near: one sweep must create their 100,000 reminders in under 5 s, and
   a sweep right after must create none in under 1 s.
2. 10% due (10,000): two worker processes deliver the e-mails to a local SMTP server (aiosmtpd,
   started here) in under 60 s, with no duplicate and no loss, each process under 300 MB.
"""

import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

DB_NAME = os.environ.get("ACCORD_BENCH_DB", "accord_bench")
PG = os.environ.get("ACCORD_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("ACCORD_BENCH_BROKER", "redis://127.0.0.1:6379/13")
QUEUE = "accord-bench"
# On a shared machine (other test suites on the same cores), ACCORD_BENCH_NICE=-10 run as root
# gives this benchmark, its workers and its PostgreSQL backends priority over them.
NICE = int(os.environ.get("ACCORD_BENCH_NICE", "0"))
PARTNERSHIPS = int(os.environ.get("ACCORD_BENCH_PARTNERSHIPS", "100000"))
MANAGERS = 1000
# Each of the two worker processes: sending e-mail waits on the network, so threads overlap the
# waits within one process ("prefork" with concurrency 1 is the other choice measured).
POOL = os.environ.get("ACCORD_BENCH_POOL", "threads")
CONCURRENCY = int(os.environ.get("ACCORD_BENCH_CONCURRENCY", "8"))
ROUNDS = int(os.environ.get("ACCORD_BENCH_ROUNDS", "3"))
PARTS = os.environ.get("ACCORD_BENCH_PARTS", "sweep,delivery").split(",")

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
)
sys.path.insert(0, str(PROJECT_DIR / "tests" / "reminders"))

from _machine import (  # noqa: E402
    children,
    cpu_model,
    cpu_pressure,
    memory_gb,
    prioritise_backends,
    recreate_database,
)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    if NICE:
        os.nice(NICE)
    recreate_database(PG, DB_NAME)
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from accounts import roles
    from accounts.models import User
    from agreements.models import Agreement
    from partnerships.models import Partnership
    from reminders import services
    from reminders.models import Cadence, Reminder, ReminderSettings

    print(f"machine: {platform.node()} · {os.cpu_count()} cores · {memory_gb()} · {cpu_model()}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        print(f"PostgreSQL {cursor.fetchone()[0]} · Python {platform.python_version()}")

    # Seed -------------------------------------------------------------------------------------
    started = time.perf_counter()
    settings_row = ReminderSettings.load()
    settings_row.reminder_time = datetime.time(0, 0)  # whatever the hour, today is due now
    settings_row.save()
    cadence = Cadence.objects.create(
        name="Bench check-in",
        purpose="check_in",
        frequency="monthly",
        reminder_offsets=[7, 1],
        escalate_after_days=7,
    )
    sponsor = User.objects.create(
        email="sponsor@bench.example", full_name="Sponsor", time_zone="UTC"
    )
    User.objects.bulk_create(
        [
            User(email=f"m{i}@bench.example", full_name=f"Manager {i}", time_zone="UTC",
                 password="!")
            for i in range(MANAGERS)
        ],
        batch_size=1000,
    )  # fmt: skip
    managers = list(User.objects.exclude(pk=sponsor.pk).values_list("pk", flat=True))
    group = Group.objects.get(name=roles.PARTNER_MANAGER)
    group.user_set.add(*managers)
    today = timezone.localdate()
    Partnership.objects.bulk_create(
        [
            Partnership(name=f"Bench {i:06d}", type="technology", stage="active",
                        executive_sponsor=sponsor, check_in_cadence=cadence,
                        next_check_in_due=today)
            for i in range(PARTNERSHIPS)
        ],
        batch_size=5000,
    )  # fmt: skip
    through = Partnership.managers.through
    ids = list(Partnership.objects.order_by("pk").values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(partnership_id=pk, user_id=managers[i % MANAGERS]) for i, pk in enumerate(ids)],
        batch_size=5000,
    )
    # Each partnership has its signed agreement, none near its notice deadline: the agreements
    # source must find that out without costing a lookup per partnership.
    after_last_notice = today + datetime.timedelta(days=max(settings_row.notice_offsets) + 1)
    signed_on = today - datetime.timedelta(days=365)
    Agreement.objects.bulk_create(
        [
            Agreement(partnership_id=pk, version=1, status="signed", title=f"Bench {i:06d} v1",
                      effective_date=signed_on, signed_on=signed_on, notice_period_days=90,
                      notice_deadline=after_last_notice + datetime.timedelta(days=i % 730),
                      expiry_date=after_last_notice + datetime.timedelta(days=i % 730 + 90))
            for i, pk in enumerate(ids)
        ],
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {len(ids):,} partnerships with a signed agreement each and {MANAGERS:,} "
          f"managers in {time.perf_counter() - started:.1f} s")  # fmt: skip
    _purge()
    # The sweep runs inside a long-lived worker, whose broker connection is open already: open
    # this process's before timing (the first publish of a process costs ~0.8 s of set-up).
    services.enqueue([0], queue=QUEUE + "-warm-up")
    _purge(QUEUE + "-warm-up")
    prioritise_backends(PG, DB_NAME, NICE)
    print(f"CPU pressure before the sweeps ({'nice ' + str(NICE) if NICE else 'no priority'}): "
          f"{cpu_pressure()}")  # fmt: skip

    # 1. The sweep -----------------------------------------------------------------------------
    # Repeated from an empty outbox: on a shared machine one run can land on a busy moment.
    runs = []
    for attempt in range(ROUNDS if "sweep" in PARTS else 0):
        if attempt:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE reminders_reminder")
                cursor.execute("VACUUM ANALYZE reminders_reminder")
            _purge()
        started = time.perf_counter()
        first = services.sweep(queue=QUEUE)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = services.sweep(queue=QUEUE)
        second_s = time.perf_counter() - started
        assert first.created == len(ids) and second.created == 0, (first, second)
        runs.append((first_s, second_s))
        print(f"sweep {attempt + 1}: all {len(ids):,} due: created {first.created:,}, "
              f"queued {first.queued:,} in {first_s:.2f} s; right after: created "
              f"{second.created} in {second_s:.2f} s")  # fmt: skip
        for label, result in (("first", first), ("second", second)):
            parts = ", ".join(f"{name} {s:.2f} s" for name, s in result.seconds)
            print(f"  {label} sweep by source: {parts}")
    first_s = statistics.median(r[0] for r in runs) if runs else 0.0
    second_s = statistics.median(r[1] for r in runs) if runs else 0.0
    if runs:
        print(f"sweep, median of {ROUNDS}: {first_s:.2f} s (limit 5 s), right after "
              f"{second_s:.2f} s (limit 1 s); best {min(r[0] for r in runs):.2f} s and "
              f"{min(r[1] for r in runs):.2f} s")  # fmt: skip
    sweep_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # 2. Delivery of 10% -----------------------------------------------------------------------
    _purge()
    Reminder.objects.all().delete()
    later = today + datetime.timedelta(days=30)
    Partnership.objects.update(next_check_in_due=later)
    due_ids = ids[::10]
    Partnership.objects.filter(pk__in=due_ids).update(next_check_in_due=today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_reminder")
    connection.close()

    from smtp import Recorder, SMTPServer

    with SMTPServer(Recorder()) as smtp:
        workers = [_start_worker(n, smtp.port) for n in range(2)]
        try:
            print(f"CPU pressure before delivery: {cpu_pressure()}")
            cpu_before = _cpu_seconds()
            started = time.perf_counter()
            result = services.sweep(queue=QUEUE)
            while Reminder.objects.filter(status="pending").exists():
                if time.perf_counter() - started > 300:
                    break
                prioritise_backends(
                    PG, DB_NAME, NICE
                )  # the workers connect when their first task arrives
                time.sleep(0.25)
            delivery_s = time.perf_counter() - started
            smtp_cpu = _cpu_seconds() - cpu_before
            time.sleep(1)
            received = smtp.recorder.reminder_ids()
            peaks = {}
            for n, worker in enumerate(workers):
                for pid in [worker.pid, *children(worker.pid)]:
                    peaks[f"worker {n + 1} pid {pid}"] = peak_rss_mb(pid)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    sent = set(Reminder.objects.filter(status="sent").values_list("pk", flat=True))
    print(f"delivery, {len(due_ids):,} due: {result.created:,} created, {len(sent):,} sent, "
          f"{len(received):,} received by SMTP ({len(set(received)):,} distinct) in "
          f"{delivery_s:.1f} s (limit 60 s)")  # fmt: skip
    print(f"  CPU of this process (the SMTP server) during delivery: {smtp_cpu:.1f} s")
    for name, peak in peaks.items():
        print(f"  peak memory {name}: {peak:.0f} MB (limit 300 MB)")
    print(f"  peak memory of this process (seed and sweeps): {sweep_peak:.0f} MB")
    duplicates = len(received) - len(set(received))
    lost = len(sent) - len(set(received) & sent)
    print(f"duplicates: {duplicates}, lost: {lost}")
    ok = (
        first_s < 5 and second_s < 1 and delivery_s < 60 and duplicates == 0 and lost == 0
        and len(sent) == len(due_ids) and set(received) == sent
        and all(p < 300 for p in peaks.values())
    )  # fmt: skip
    print("RESULT:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


def _start_worker(n: int, port: int) -> subprocess.Popen:
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"}
    log = open(f"/tmp/accord-bench-worker-{n}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", QUEUE,
         "--pool", POOL, "--concurrency", str(CONCURRENCY),
         "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel", "INFO", "-n", f"bench{n}@%h"],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "ready" not in Path(log.name).read_text():
        time.sleep(0.2)
    return process


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _purge(queue: str = QUEUE) -> None:
    import redis

    redis.Redis.from_url(BROKER).delete(queue)


if __name__ == "__main__":
    main()
