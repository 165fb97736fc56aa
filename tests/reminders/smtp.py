"""A real SMTP server on loopback (aiosmtpd) that records what it accepts."""

import asyncio
import email
import re
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HEADER = re.compile(rb"^X-Accord-Reminder: (\d+)", re.MULTILINE)


@dataclass
class Recorder:
    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0  # seconds per message, before its data is sent
    raw: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Kept raw: parsing every message would make this server the benchmark's bottleneck.
        with self.lock:
            self.raw.append(envelope.content)
        return "250 Message accepted"

    @property
    def messages(self) -> list[Message]:
        with self.lock:
            return [email.message_from_bytes(raw) for raw in self.raw]

    def reminder_ids(self) -> list[int]:
        with self.lock:
            return [int(HEADER.search(raw).group(1)) for raw in self.raw]


class SMTPServer:
    def __init__(self, recorder: Recorder | None = None) -> None:
        self.recorder = recorder or Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SMTPServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def env(self) -> dict[str, str]:
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "0"}

    @property
    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 10,
        }
