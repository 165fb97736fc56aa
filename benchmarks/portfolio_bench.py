"""The portfolio at scale: the dashboard, the partnership list and a partnership's overview with
1,000 partnerships, each with a year of history (``seed_demo --scale N``).

Run from the project folder, with PostgreSQL on localhost and wrk at /usr/bin/wrk:

    uv run python benchmarks/portfolio_bench.py

It (re)creates its own database, ``accord_portfolio_bench``, and prints what it measured;
benchmarks/README.md keeps the last figures.

1. Fixed queries: each page is rendered (as the COO and as a partner manager) at N = 10 and again
   at N = 1,000; the number of SQL queries must not move.
2. EXPLAIN (ANALYZE) of every query of those pages at N = 1,000: no sequential scan over a large
   table (more than 5,000 rows).
3. Speed under gunicorn (2 sync workers) with wrk, 4 connections for 30 s on loopback,
   authenticated by the session cookie of a force_login: the dashboard's p95 under 300 ms, the
   partnership list (25 rows) at 150 requests/s or more, a partnership's overview at 250 or more.
"""

import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from _machine import (  # noqa: E402 (benchmarks/, the script's own folder)
    backend_pids,
    children,
    cpu_model,
    cpu_pressure,
    memory_gb,
    prioritise_backends,
    recreate_database,
)

DB_NAME = os.environ.get("ACCORD_BENCH_DB", "accord_portfolio_bench")
PG = os.environ.get("ACCORD_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SMALL, LARGE = 10, int(os.environ.get("ACCORD_BENCH_PARTNERSHIPS", "1000"))
DURATION = os.environ.get("ACCORD_BENCH_DURATION", "30s")
CONNECTIONS = 4
WORKERS = 2
LARGE_TABLE_ROWS = 5000
WRK = "/usr/bin/wrk"
GUNICORN_ARGS = os.environ.get("ACCORD_BENCH_GUNICORN_ARGS", "").split()
# On a shared machine, as root: run gunicorn, wrk and this database's PostgreSQL backends at a
# higher priority than the other suites (negative), as the reminders benchmark does.
NICE = int(os.environ.get("ACCORD_BENCH_NICE", "0"))
# "speed" alone reuses the database a full run left (N = 1,000), to measure again in a quiet
# moment of a shared machine without seeding again.
PARTS = set(os.environ.get("ACCORD_BENCH_PARTS", "queries,explain,speed").split(","))
# Which pages the speed part measures: dashboard, list, overview.
SPEED_PAGES = set(os.environ.get("ACCORD_BENCH_PAGES", "dashboard,list,overview").split(","))

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
)

LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50=%.1f p90=%.1f p95=%.1f p99=%.1f\\n",
    summary.requests, errors, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def machine() -> str:
    return f"{os.cpu_count()} cores ({cpu_model()}), {memory_gb()}"


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pages(coo, manager) -> dict[str, tuple]:
    """name: (user, url) — the scale partnership chosen is active (00007)."""
    from partnerships.models import Partnership

    live = Partnership.objects.get(name="Scale partnership 00007")
    return {
        "dashboard (COO)": (coo, "/dashboard/"),
        "dashboard (manager)": (manager, "/dashboard/"),
        "partnership list (COO)": (coo, "/partnerships/"),
        "partnership list (manager)": (manager, "/partnerships/"),
        "overview": (coo, f"/partnerships/{live.pk}/"),
        "health tab": (coo, f"/partnerships/{live.pk}/tab/health/"),
        "relationship tab": (coo, f"/partnerships/{live.pk}/tab/relationship/"),
        "health list": (coo, "/dashboard/health/"),
        "due actions": (coo, "/dashboard/due/?kind=actions"),
    }


def count_queries(targets: dict[str, tuple]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (user, url) in targets.items():
        client = Client()
        client.force_login(user)
        client.get(url)  # a first visit may store what it computed (the health tab)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


def explain(targets: dict[str, tuple]) -> list[str]:
    """Sequential scans over large tables in the plans of every query the pages run."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        large = {row[0] for row in cursor.fetchall()}
    print(f"large tables (> {LARGE_TABLE_ROWS:,} rows): {', '.join(sorted(large))}")
    found = []
    for name, (user, url) in targets.items():
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        slowest = 0.0
        for query in ctx.captured_queries:
            if not query["sql"].startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + query["sql"])
                plan = [row[0] for row in cursor.fetchall()]
            took = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
            slowest = max(slowest, took)
            for line in plan:
                scan = re.search(r"Seq Scan on (\w+)", line)
                if scan and scan.group(1) in large:
                    found.append(f"{name}: {line.strip()}")
        print(f"  {name:28} {len(ctx.captured_queries):3} queries, slowest {slowest:.2f} ms")
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (utime + stime, in seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def serving_pids(server_pid: int) -> tuple[list[int], list[int]]:
    """gunicorn's master and workers; the PostgreSQL backends of this database."""
    return [server_pid, *children(server_pid)], backend_pids(PG, DB_NAME)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, cookie: str, script: str) -> dict[str, float]:
    out = subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", script,
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def wrk_once(url: str, cookie: str, script: str) -> dict[str, float]:
    out = subprocess.run(
        [WRK, "-t1", "-c1", "-d10s", "-s", script, "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def main() -> None:
    if NICE:
        os.nice(NICE)
    fresh = "queries" in PARTS
    if fresh:
        recreate_database(PG, DB_NAME)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static names from the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    print(f"machine: {machine()} · PostgreSQL {postgres} · Python {platform.python_version()}")
    print(f"load average before: {load()}")

    if fresh:
        started = time.perf_counter()
        call_command("seed_demo", scale=SMALL, stdout=open(os.devnull, "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    coo = User.objects.get(email="coo@accord.example")
    manager = User.objects.get(email="scale.manager001@accord.example")
    if fresh:
        small = count_queries(pages(coo, manager))
        print(f"N = {SMALL}: seeded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        call_command("seed_demo", scale=LARGE, stdout=open(os.devnull, "w"))  # noqa: SIM115
        seeded = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"N = {LARGE:,}: {LARGE - SMALL:,} more seeded in {seeded:.1f} s (bulk inserts)")
    targets = pages(coo, manager)
    if fresh:
        large = count_queries(targets)
        print("\n1. Queries per page, N = 10 → N = 1,000")
        for name in small:
            mark = "same" if small[name] == large[name] else "DIFFERENT"
            print(f"  {name:28} {small[name]:3} → {large[name]:3}  {mark}")
        assert small == large, "a page's number of queries grows with the number of partnerships"

    if "explain" in PARTS:
        print(f"\n2. EXPLAIN (ANALYZE) of every query, N = {LARGE:,}")
        scans = explain(targets)
        for scan in scans:
            print(f"  SEQ SCAN over a large table: {scan}")
        print("  no sequential scan over a large table" if not scans else "")
    if "speed" not in PARTS:
        return

    client = Client()
    client.force_login(coo)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *GUNICORN_ARGS],
        cwd=PROJECT_DIR, env=os.environ.copy(),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        urls = {
            "dashboard": targets["dashboard (COO)"][1],
            "partnership list": targets["partnership list (COO)"][1],
            "overview": targets["overview"][1],
        }
        urls = {name: url for name, url in urls.items() if name.split()[-1] in SPEED_PAGES}
        import urllib.request

        for url in urls.values():  # warm both workers: connections, templates, caches
            for _ in range(10):
                request = urllib.request.Request(base + url, headers={"Cookie": cookie})
                with urllib.request.urlopen(request) as response:
                    assert response.status == 200 and response.url.endswith(url), response.url
        prioritise_backends(PG, DB_NAME, NICE)
        print(
            f"\n3. gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} connections, {DURATION}, "
            f"loopback ({'nice ' + str(NICE) if NICE else 'no priority'}; load average {load()}; "
            f"CPU pressure {cpu_pressure()})"
        )
        results = {}
        for name, url in urls.items():
            # What a request costs in CPU (gunicorn and PostgreSQL), whatever else the machine
            # runs: one connection for 10 s, CPU time used over requests served.
            web, db = serving_pids(server.pid)
            before = cpu_seconds(web), cpu_seconds(db)
            single = wrk_once(base + url, cookie, script.name)
            web_ms = (cpu_seconds(web) - before[0]) / single["requests"] * 1000
            db_ms = (cpu_seconds(db) - before[1]) / single["requests"] * 1000
            per_request = web_ms + db_ms
            print(
                f"  {name:18} {per_request:5.1f} ms of CPU per request: gunicorn {web_ms:.1f}, "
                f"PostgreSQL {db_ms:.1f} (≈ {2000 / per_request:4.0f} req/s on 2 free cores)"
            )
            result = wrk(base + url, cookie, script.name)
            results[name] = result
            print(
                f"  {name:18} {result['rps']:7.1f} req/s  p50 {result['p50']:6.1f} ms  "
                f"p90 {result['p90']:6.1f}  p95 {result['p95']:6.1f}  p99 {result['p99']:6.1f}  "
                f"({int(result['requests']):,} requests, {int(result['non2xx'])} non-2xx, "
                f"{int(result['errors'])} errors)"
            )
            assert result["non2xx"] == 0 and result["errors"] == 0, result
        print(f"load average after: {load()}; CPU pressure {cpu_pressure()}")
        limits = {
            "dashboard": ("p95 < 300 ms", lambda r: r["p95"] < 300),
            "partnership list": (">= 150 req/s", lambda r: r["rps"] >= 150),
            "overview": (">= 250 req/s", lambda r: r["rps"] >= 250),
        }
        checks = [(f"{name} {limits[name][0]}", limits[name][1](r)) for name, r in results.items()]
        for label, ok in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {label}")
        if not all(ok for _, ok in checks):
            sys.exit(1)
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
