"""A real webhook receiver for tests: an http.server on a free loopback port, in a thread.

It verifies each request's signature as a receiver would (Standard Webhooks: HMAC-SHA256 over
``id.timestamp.body`` with the endpoint's secret), records every request, and answers as told:
fail the first N attempts of each event, hang for a while, or answer a given status.
"""

import base64
import hashlib
import hmac
import json
import select
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, headers, body: bytes) -> bool:
    """What a receiver runs: the README's example, word for word in spirit."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [
        s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")
    ]
    return any(hmac.compare_digest(expected, s) for s in given)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int | None = None
    completed: bool = False  # a 2xx went back to a client still there to read it

    @property
    def id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Plan:
    fail_first: int = 0  # per webhook-id: answer 500 to this many attempts first
    fail_status: int = 500
    status: int = 200
    hold: float = 0.0  # seconds before answering
    hang_first: int = 0  # per webhook-id: this many attempts get no answer for `hang` seconds
    hang: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    def __init__(self, secret: str = "", plan: Plan | None = None) -> None:
        self.secret = secret
        self.plan = plan or Plan()
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the tests read ------------------------------------------------------------------

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.requests)

    def completed_ids(self) -> list[str]:
        return [r.id for r in self.received() if r.completed]

    def attempts_by_id(self) -> Counter:
        return Counter(r.id for r in self.received())

    # The server -----------------------------------------------------------------------------

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = bool(receiver.secret) and _safe_verify(receiver.secret, headers, body)
                entry = Received(self.path, headers, body, verified)
                with receiver.lock:
                    receiver.requests.append(entry)
                    seen = sum(1 for r in receiver.requests if r.id == entry.id)
                plan = receiver.plan
                if seen <= plan.hang_first:
                    time.sleep(plan.hang)
                    return  # no answer: the client times out
                if plan.hold:
                    time.sleep(plan.hold)
                status = plan.fail_status if seen <= plan.fail_first else plan.status
                if 200 <= status < 300 and _client_gone(self.connection):
                    return  # the sender died while we held it: nobody to tell
                payload = b'{"ok": true}' if status < 400 else b'{"error": "on purpose"}'
                try:
                    self.send_response(status)
                    for name, value in plan.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    self.wfile.flush()
                except OSError:
                    return
                entry.answered = status
                entry.completed = 200 <= status < 300

        return Handler


def _safe_verify(secret: str, headers: dict, body: bytes) -> bool:
    try:
        return verify(secret, headers, body)
    except (KeyError, ValueError, IndexError):
        return False


def _client_gone(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
