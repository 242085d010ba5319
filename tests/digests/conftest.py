from __future__ import annotations

from collections import Counter

import pytest

from tests.api.conftest import api_for  # noqa: F401  (the API tests' JWT client)
from tests.mail import MailSink


class FlakySink(MailSink):
    """A mail server with bad moments: `fail_on` answers those (1-based) messages with a
    temporary 451 (once each); `refuse` answers RCPT TO those addresses with a permanent 550."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_on: set[int] = set()
        self.refuse: set[str] = set()
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts in self.fail_on:
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky_sink():
    from aiosmtpd.controller import Controller

    from tests.processes import free_port

    port = free_port()
    sink = FlakySink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.url, sink.port = f"smtp://127.0.0.1:{port}", port
    yield sink
    controller.stop()


def of_week(sink: MailSink, week_start) -> list:
    """Digests of one week the sink accepted (their Message-ID names the week)."""
    tag = f"-{week_start:%Y%m%d}@"
    return [r for r in sink.received() if tag in str(r.message["Message-ID"])]


def per_recipient(received) -> Counter:
    return Counter(address for r in received for address in r.recipients)


@pytest.fixture
def live_digests(django_db_setup, django_db_blocker):
    """Writes commit for real, so worker processes see them; afterwards the digests,
    announcements and switched-off links a test made are put back as they were."""
    from portal.announcements.models import Announcement
    from portal.centres.models import Guardianship
    from portal.digests.models import Digest
    from tests.homework.conftest import remove_content

    with django_db_blocker.unblock():
        last_digest = Digest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        before = set(Announcement.objects.values_list("pk", flat=True))
        switched_off = set(
            Guardianship.objects.filter(weekly_digest=False).values_list("pk", flat=True)
        )
        yield
        Digest.objects.filter(pk__gt=last_digest).delete()
        remove_content(Announcement.objects.exclude(pk__in=before))
        Guardianship.objects.exclude(pk__in=switched_off).update(weekly_digest=True)
