"""What both benchmarks need of the machine and of PostgreSQL: a database of their own, the
processes serving them, their priority, and a description of the machine for the figures."""

import contextlib
import os
import platform
from pathlib import Path


def recreate_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(pg: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def backend_pids(pg: str, name: str) -> list[int]:
    """The PostgreSQL backends connected to this database."""
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])
        return [pid for (pid,) in rows.fetchall()]


def prioritise_backends(pg: str, name: str, nice: int) -> None:
    """Give the PostgreSQL backends serving a benchmark the priority of its own processes."""
    if not nice:
        return
    for pid in backend_pids(pg, name):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_pressure() -> str:
    path = Path("/proc/pressure/cpu")
    return path.read_text().splitlines()[0] if path.exists() else "n/a"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def memory_gb() -> str:
    kb = int(Path("/proc/meminfo").read_text().split()[1])  # MemTotal comes first
    return f"{kb / 1024 / 1024:.0f} GB RAM"
