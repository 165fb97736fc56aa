import pytest

from accounts.models import User
from partnerships.models import Partnership

from . import factories


@pytest.fixture
def alice(db) -> User:
    """An executive: sees every partnership."""
    return factories.executive(email="alice@example.com", full_name="Alice Ashby")


@pytest.fixture
def bob(db) -> User:
    """A partner manager who manages `bobs_partnership`."""
    return factories.manager(email="bob@example.com", full_name="Bob Brown")


@pytest.fixture
def charlie(db) -> User:
    """Another partner manager: an outsider to Bob's partnerships."""
    return factories.manager(email="charlie@example.com", full_name="Charlie Chen")


@pytest.fixture
def admin_user(db) -> User:
    return factories.administrator(email="admin@example.com", full_name="Ada Admin")


@pytest.fixture
def bobs_partnership(alice, bob) -> Partnership:
    return factories.PartnershipFactory(
        name="Northwind supply", executive_sponsor=alice, managers=[bob]
    )


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker in its own process, on Redis, against the test database.

    It listens on a queue of its own so nothing else on the broker interferes.
    Yields the queue name; send tasks with ``apply_async(queue=...)``.
    """
    import os
    import subprocess
    import sys
    import time
    import uuid

    from django.db import connection

    from config.celery import app

    queue = f"accord-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{**connection.settings_dict, "HOST": connection.settings_dict["HOST"] or "127.0.0.1",
               "PORT": connection.settings_dict["PORT"] or 5432}
        ),
    }  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--concurrency", "1", "--pool", "prefork", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "--loglevel", "INFO", "-n", f"{queue}@%h"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"Celery worker exited: {worker.stdout.read()}")
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            break
    else:
        worker.kill()
        raise RuntimeError("Celery worker did not start within 30 s")
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.fixture(scope="session")
def identity_provider():
    """npm's oidc-provider, started once for the run (tests/idp/server.mjs)."""
    from .idp.provider import TestProvider

    provider = TestProvider(
        ["http://testserver/accounts/sso/callback/", "http://testserver/accounts/sign-in/"]
    )
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, identity_provider):
    """Accord pointed at the test provider; executives by group, SSO required for one domain."""
    from accounts import sso as sso_module

    settings.ACCORD_OIDC_ISSUER = identity_provider.issuer
    settings.ACCORD_OIDC_NAME = "Corp ID"
    settings.OIDC_RP_CLIENT_ID = "accord"
    settings.OIDC_RP_CLIENT_SECRET = "accord-secret"
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.ACCORD_OIDC_ROLE_MAP = "accord-executives=Executive"
    settings.ACCORD_SSO_REQUIRED_DOMAINS = ["sso-only.example"]
    sso_module._discover.cache_clear()
    identity_provider.fault(None)
    identity_provider.set_groups("alice", ["accord-executives"])
    identity_provider.set_email("alice", "alice@corp.example")
    yield identity_provider
    identity_provider.fault(None)
    identity_provider.set_email("alice", "alice@corp.example")
    sso_module._discover.cache_clear()
