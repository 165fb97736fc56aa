import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from .smtp import SMTPServer, free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def reminders_queue(settings) -> Iterator[str]:
    """Delivery tasks of these tests go to a queue of their own, emptied afterwards, so nothing
    is left on the shared test broker for another run's worker to pick up."""
    queue = f"accord-test-reminders-{uuid.uuid4().hex[:8]}"
    settings.REMINDERS_QUEUE = queue
    yield queue
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(queue)


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


def wait_for(predicate: Callable[[], bool], seconds: float = 30, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


def database_url_of_tests() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A real Celery worker process (its own session, so a kill takes its children too)."""

    def __init__(self, queue: str, log: Path, env: dict[str, str], app: str) -> None:
        self.queue, self.log = queue, log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", "-Q", queue,
             "--concurrency", "1", "--pool", "prefork", "--without-heartbeat",
             "--without-gossip", "--without-mingle", "--loglevel", "INFO",
             "-n", f"{queue}-{uuid.uuid4().hex[:4]}@%h"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, seconds: float = 30) -> None:
        if not wait_for(lambda: "ready." in self.output() or self.process.poll() is not None,
                        seconds):  # fmt: skip
            self.stop()
            raise RuntimeError(f"Celery worker did not start:\n{self.output()}")
        if self.process.poll() is not None:
            raise RuntimeError(f"Celery worker exited:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """kill -9 of the worker and its pool children, mid-task."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass


@pytest.fixture
def start_worker(transactional_db, tmp_path) -> Iterator[Callable[..., Worker]]:
    """``start_worker(queue, env={...}, faults=True)`` starts a worker against the test
    database; ``faults`` uses the broker options under which a killed worker's messages come
    back in seconds (tests/reminders/fault_app.py)."""
    workers: list[Worker] = []

    def start(queue: str, *, env: dict[str, str] | None = None, faults: bool = False) -> Worker:
        full_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url_of_tests(),
            "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
            **(env or {}),
        }
        app = "tests.reminders.fault_app" if faults else "config"
        worker = Worker(queue, tmp_path / f"worker-{len(workers)}.log", full_env, app)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


class SpareRedis:
    """A second redis-server of our own, on another port, that a test may stop and start
    (the machine's Redis serves everyone else and is never touched)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        if not wait_for(lambda: _pings(client), 10, 0.1):
            raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def spare_redis(tmp_path) -> Iterator[SpareRedis]:
    server = SpareRedis(tmp_path)
    server.start()
    yield server
    server.stop()
