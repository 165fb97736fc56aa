"""Where one page's time goes: renders it in this process (Django's test client, production
settings) against the database ``portfolio_bench.py`` left, and prints the time per request and
a cProfile of the slowest functions.

    uv run python benchmarks/profile_page.py /partnerships/            # as the COO
    uv run python benchmarks/profile_page.py /dashboard/ --as scale.manager001@accord.example
    uv run python benchmarks/profile_page.py overview --sort tottime  # partnership 00007
    uv run python benchmarks/profile_page.py /api/v1/partnerships/ --token  # a read-only token
    uv run python benchmarks/profile_page.py /dashboard/ --cold  # rendered anew every time
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

DB_NAME = os.environ.get("ACCORD_BENCH_DB", "accord_portfolio_bench")
PG = os.environ.get("ACCORD_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a path, or 'overview' for the benchmark's live partnership")
    parser.add_argument("--as", dest="email", default="coo@accord.example")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--callers", help="print who calls functions matching this")
    parser.add_argument("--callees", help="print what functions matching this call")
    parser.add_argument("--token", action="store_true", help="a read-only API token, no session")
    parser.add_argument("--top", type=int, default=40, help="0: time only")
    parser.add_argument(
        "--cold", action="store_true", help="drop the data version before each request (a write)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from config import data_version
    from partnerships.models import Partnership

    def get(path):
        if args.cold:
            data_version.drop()  # as after any write: the cached bodies are not used
        return client.get(path)

    url = args.url
    if url == "overview":
        url = f"/partnerships/{Partnership.objects.get(name='Scale partnership 00007').pk}/"
    user = User.objects.get(email=args.email)
    if args.token:
        from api import tokens

        secret = tokens.token_create(user=user, name="profile", read_only=True).secret
        client = Client(headers={"Authorization": f"Bearer {secret}"})
    else:
        client = Client()
        client.force_login(user)
    for _ in range(20):  # templates compiled, connection open, caches warm
        response = get(url)
        assert response.status_code == 200, response.status_code

    # Rounds of 50, the fastest and the median: the machine's other work only ever adds time.
    rounds = []
    for _ in range(max(1, args.requests // 50)):
        started = time.perf_counter()
        for _ in range(50):
            get(url)
        rounds.append((time.perf_counter() - started) / 50 * 1000)
    rounds.sort()

    print(
        f"{url}: {rounds[0]:.2f} ms per request at best, {rounds[len(rounds) // 2]:.2f} median "
        f"({len(rounds)} rounds of 50, no profiler)"
    )
    if not args.top:
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    if args.callees:
        stats.print_callees(args.callees)
    elif args.callers:
        stats.print_callers(args.callers)
    else:
        stats.print_stats(args.top)


if __name__ == "__main__":
    main()
