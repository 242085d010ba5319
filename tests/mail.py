"""A real SMTP server (aiosmtpd) in the test process, for workers in other processes to send to."""

from __future__ import annotations

import asyncio
import email
import threading
import time
from dataclasses import dataclass
from email.message import Message

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


class MailSink:
    """Accepts every message; `delay` slows each one down, to catch a worker mid-batch.

    A message counts as delivered only if the client was still there to hear "250": a sender
    killed before that never saw its message accepted, as with a real mail server.
    """

    def __init__(self) -> None:
        self.delay = 0.0
        self.holding = 0  # messages received but not yet answered
        self._lock = threading.Lock()
        self._received: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            self.holding += 1
            try:
                await asyncio.sleep(self.delay)
            finally:
                self.holding -= 1
        if server.transport is None or server.transport.is_closing():
            return "451 Sender went away"
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self._lock:
            self._received.append(Received(tuple(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def received(self, subject_contains: str = "") -> list[Received]:
        with self._lock:
            return [r for r in self._received if subject_contains in r.subject]

    def wait_for(
        self, count: int, subject_contains: str = "", timeout: float = 60
    ) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(subject_contains)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        return self.received(subject_contains)


def start_sink(port: int) -> tuple[MailSink, Controller]:
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller
