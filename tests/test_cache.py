"""A cache that cannot be reached makes pages slower, never broken; and what it missed while it
was away cannot come back from it."""

import contextlib
import socket
import threading

import pytest
from django.core.cache import caches
from django.urls import reverse

from api import tokens
from config import cache as tolerant

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_every_kind_of_page_works_while_the_cache_cannot_be_reached(
    client, unreachable_cache, bobs_partnership, alice
):
    response = client.post(
        reverse("accounts:login"), {"username": alice.email, "password": "secret-pass-123"}
    )
    assert response.status_code == 302, "signing in works without the cache"
    for url in [
        "/partnerships/",
        bobs_partnership.get_absolute_url(),
        "/dashboard/",
        "/notices/",
    ]:
        assert client.get(url).status_code == 200, url
    secret = tokens.token_create(user=alice, name="cache down", read_only=True).secret
    api = client.get("/api/v1/partnerships/", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    assert api.json()["count"] == 1


class Cut:
    """A TCP relay in front of the shared Redis that the test can cut and restore, so the
    cache goes away without stopping the Redis everyone else uses."""

    def __init__(self, port: int = 6379):
        self.target = ("127.0.0.1", port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open = True
        self.links: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                incoming, _ = self.server.accept()
            except OSError:
                return
            if not self.open:
                incoming.close()
                continue
            outgoing = socket.create_connection(self.target)
            self.links += [incoming, outgoing]
            for a, b in ((incoming, outgoing), (outgoing, incoming)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.open = False
        for link in self.links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
        self.links.clear()

    def restore(self) -> None:
        self.open = True


def test_a_delete_lost_while_the_cache_was_away_cannot_bring_the_value_back(settings, monkeypatch):
    monkeypatch.setattr(tolerant, "DOWN_SECONDS", 0.0)
    relay = Cut()
    settings.CACHES = {
        **settings.CACHES,
        "relayed": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{relay.port}/9",  # a database of this test's own
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    cache = caches["relayed"]
    cache.set("session:abc", "signed in")
    assert cache.get("session:abc") == "signed in"

    relay.cut()
    cache.delete("session:abc")  # signing out while the cache is away: the delete is lost
    assert cache.get("session:abc") is None  # a miss, not an error

    relay.restore()
    assert cache.get("session:abc") is None, "the signed-out session came back from the cache"
    cache.set("next", 1)
    assert cache.get("next") == 1  # and the cache works as before
