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
3. Speed against bare Django (benchmarks/bare/, seeded at the same N) in the same run: both under
   gunicorn (2 sync workers), wrk with 4 connections, rounds interleaved (Accord, bare, Accord,
   bare). Goals are ratios: the partnership list, the overview and the API's list each at 0.8x
   their bare counterpart or better; the dashboard's p95 under 150 ms.
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
    cpu_model,
    cpu_pressure,
    database_exists,
    memory_gb,
    prioritise_backends,
    recreate_database,
)

DB_NAME = os.environ.get("ACCORD_BENCH_DB", "accord_portfolio_bench")
PG = os.environ.get("ACCORD_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SMALL, LARGE = 10, int(os.environ.get("ACCORD_BENCH_PARTNERSHIPS", "1000"))
DURATION = os.environ.get("ACCORD_BENCH_DURATION", "15s")
ROUNDS = int(os.environ.get("ACCORD_BENCH_ROUNDS", "2"))
BENCH_DIR = Path(__file__).resolve().parent
BARE_DB = os.environ.get("ACCORD_BENCH_BARE_DB", "accord_bare_bench")
# Goals: Accord's page at this share of bare Django's requests/s in the same run, or better.
RATIO = 0.8
P95_MS = 150
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
        # No per-token limit: wrk is one token asking as fast as it can.
        "ACCORD_API_RATE": "",
        # Redis, as in production (sessions, cached HTML); a database of the benchmark's own.
        "ACCORD_CACHE_URL": os.environ.get("ACCORD_BENCH_CACHE", "redis://127.0.0.1:6379/11"),
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
    """A page's queries when it is rendered anew: a cached body (config/data_version.py) would
    hide the growth this looks for, so the data version is dropped before each count."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from config import data_version

    counts = {}
    for name, (user, url) in targets.items():
        client = Client()
        client.force_login(user)
        client.get(url)  # a first visit may store what it computed (the health tab)
        data_version.drop()
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
    from config import data_version

    found = []
    for name, (user, url) in targets.items():
        client = Client()
        client.force_login(user)
        data_version.drop()  # the queries of a page rendered anew, not of its cached body
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, headers: list[str], script: str) -> dict[str, float]:
    out = subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", script,
         *[arg for header in headers for arg in ("-H", header)], url],
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
    # A browser sends back the CSRF cookie a page set; without it every page would make a new
    # secret, and the cached bodies keyed on it (config/data_version.py) would never be hit.
    client.get("/dashboard/")
    cookie = "; ".join(
        f"{name}={client.cookies[name].value}"
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    )
    from api import tokens

    token = tokens.token_create(user=coo, name="benchmark", read_only=True).secret
    connection.close()
    bare = prepare_bare(LARGE, fresh)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    accord_port, bare_port = free_port(), free_port()
    servers = [
        serve("config.wsgi", accord_port, PROJECT_DIR, os.environ.copy()),
        serve("bare.wsgi", bare_port, BENCH_DIR, bare_env()),
    ]
    a, b = f"http://127.0.0.1:{accord_port}", f"http://127.0.0.1:{bare_port}"
    accord_cookie, token_header = [f"Cookie: {cookie}"], [f"Authorization: Bearer {token}"]
    bare_cookie = [f"Cookie: {bare['cookie']}"]
    live = targets["overview"][1]
    # name: (Accord's URL and headers, bare Django's counterpart, judged by RATIO; or None,
    # judged by its p95)
    plan = {
        "partnership list": ((a + "/partnerships/", accord_cookie),
                             (b + "/partners/", bare_cookie)),
        "overview": ((a + live, accord_cookie), (b + f"/partners/{bare['pk']}/", bare_cookie)),
        "API list": ((a + "/api/v1/partnerships/", token_header),
                     (b + "/api/partners/", bare_cookie)),
        "dashboard": ((a + "/dashboard/", accord_cookie), None),
    }  # fmt: skip
    plan = {name: row for name, row in plan.items() if name.split()[-1] in SPEED_PAGES}
    try:
        for (url, headers), counterpart in plan.values():
            warm(url, headers)
            if counterpart:
                warm(*counterpart)
        prioritise_backends(PG, DB_NAME, NICE)
        prioritise_backends(PG, BARE_DB, NICE)
        print(
            f"\n3. gunicorn {WORKERS} sync workers each (Accord and bare Django); wrk "
            f"{CONNECTIONS} connections, {DURATION} a run, {ROUNDS} rounds interleaved "
            f"(Accord, bare, Accord, bare), loopback "
            f"({'nice ' + str(NICE) if NICE else 'no priority'}; load average {load()})"
        )
        print(f"  CPU pressure before: {cpu_pressure()}")
        results: dict[str, dict[str, list]] = {name: {"accord": [], "bare": []} for name in plan}
        for round_ in range(1, ROUNDS + 1):
            for name, ((url, headers), counterpart) in plan.items():
                sides = [("accord", url, headers)]
                if counterpart:
                    sides.append(("bare", *counterpart))
                for side, side_url, side_headers in sides:
                    result = wrk(side_url, side_headers, script.name)
                    assert result["non2xx"] == 0 and result["errors"] == 0, (name, side, result)
                    results[name][side].append(result)
                    print(
                        f"  round {round_}  {name:17} {side:6} {result['rps']:7.1f} req/s  "
                        f"p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f}  "
                        f"p99 {result['p99']:6.1f}  ({int(result['requests']):,} requests)"
                    )
        print(f"  CPU pressure after: {cpu_pressure()}; load average {load()}")
        print(f"\n  Summary at N = {LARGE:,} (medians of the rounds)")
        checks = []
        for name, (_, counterpart) in plan.items():
            accord = median(r["rps"] for r in results[name]["accord"])
            p95 = median(r["p95"] for r in results[name]["accord"])
            if counterpart:
                ratios = [
                    x["rps"] / y["rps"]
                    for x, y in zip(results[name]["accord"], results[name]["bare"], strict=True)
                ]
                ratio = median(ratios)
                bare_rps = median(r["rps"] for r in results[name]["bare"])
                print(
                    f"  {name:17} Accord {accord:7.1f} req/s, bare {bare_rps:7.1f} req/s: "
                    f"ratio {ratio:.2f} (rounds {', '.join(f'{r:.2f}' for r in ratios)})"
                )
                checks.append((f"{name} ratio {ratio:.2f} >= {RATIO}", ratio >= RATIO))
            else:
                print(f"  {name:17} Accord {accord:7.1f} req/s, p95 {p95:.1f} ms")
                checks.append((f"{name} p95 {p95:.1f} ms < {P95_MS}", p95 < P95_MS))
        for label, ok in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {label}")
        if not all(ok for _, ok in checks):
            sys.exit(1)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=15)


def median(values) -> float:
    import statistics

    return statistics.median(list(values))


def bare_env() -> dict[str, str]:
    env = os.environ.copy()
    env.update(DJANGO_SETTINGS_MODULE="bare.settings", BARE_DATABASE_URL=f"{PG}/{BARE_DB}")
    return env


BARE_SETUP = """
import json, django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from bare.models import Partner
from bare.seed import seed
call_command("migrate", verbosity=0)  # auth and sessions first: bare has no migrations
call_command("migrate", run_syncdb=True, verbosity=0)
seed({n})
from django.db import connection
connection.cursor().execute("VACUUM ANALYZE")
client = Client()
client.force_login(User.objects.get(username="bench"))
print(json.dumps({{"cookie": "sessionid=" + client.cookies["sessionid"].value,
                  "pk": Partner.objects.order_by("pk")[7].pk}}))
"""


def prepare_bare(n: int, fresh: bool) -> dict:
    """Bare Django's database at the same scale (seeded in a process of its own: one process
    cannot hold two Django projects)."""
    if fresh or not database_exists(PG, BARE_DB):  # `speed` alone after a run without it
        recreate_database(PG, BARE_DB)
    import json

    setup = subprocess.run(
        [sys.executable, "-c", BARE_SETUP.format(n=n)], cwd=BENCH_DIR, env=bare_env(),
        capture_output=True, text=True,
    )  # fmt: skip
    if setup.returncode:
        sys.exit(f"bare Django's setup failed:\n{setup.stderr}")
    return json.loads(setup.stdout.strip().splitlines()[-1])


def serve(module: str, port: int, cwd: Path, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", module, "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *GUNICORN_ARGS],
        cwd=cwd, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{module} did not start on port {port}")


def warm(url: str, headers: list[str]) -> None:
    """Both workers: connections, templates, prepared statements, caches."""
    import urllib.request

    for _ in range(10):
        request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
        with urllib.request.urlopen(request) as response:
            assert response.status == 200 and response.url == url, (url, response.url)


if __name__ == "__main__":
    main()
