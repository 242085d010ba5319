"""Sending in-process: one e-mail per guardian however often it runs, the e-mail's headers,
one-click unsubscribe from a digest delivered to a real SMTP server, and refused addresses."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client

from portal.centres.models import Guardianship
from portal.digests.models import Digest
from portal.digests.services import DigestSummary, weekly_digests_send
from tests.digests.conftest import of_week, per_recipient
from tests.digests.helpers import announcement, at, monday_in

pytestmark = pytest.mark.django_db
RIVERSIDE_PARENTS = {f"parent{n}@riverside.example" for n in range(1, 16)}


def news_week(centre, weeks: int):
    """A week in which the centre announces something: every guardian has news."""
    start = monday_in(centre, weeks)
    announcement(centre, "Sports day", published_at=at(centre, start))
    return start


@pytest.fixture
def smtp_to(settings):
    """Send through real SMTP to the given test mail server."""

    def use(sink) -> None:
        address = urlparse(sink.url)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = address.hostname, address.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    return use


def test_sending_twice_sends_one_email_per_guardian(riverside, hillcrest):
    start = news_week(riverside, 30)
    first = weekly_digests_send(centre=riverside, week_start=start)
    second = weekly_digests_send(centre=riverside, week_start=start)

    assert first == DigestSummary(built=15, skipped=0, sent=15)
    assert second == DigestSummary()
    assert per_recipient_outbox() == dict.fromkeys(RIVERSIDE_PARENTS, 1)
    digest = Digest.objects.get(guardian__email="parent1@riverside.example", week_start=start)
    message = next(m for m in mail.outbox if m.to == ["parent1@riverside.example"])
    assert digest.status == Digest.Status.SENT and digest.sent_at is not None
    assert message.extra_headers["Message-ID"] == digest.message_id == digest.stable_message_id()
    assert message.extra_headers["List-Unsubscribe"] == f"<{digest.unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.from_email == "Riverside Academy <portal@example.com>"
    assert message.reply_to == ["office@riverside.example"]
    assert message.alternatives[0][1] == "text/html"
    # Hillcrest's week was not touched
    assert not Digest.objects.filter(centre=hillcrest, week_start=start).exists()


def per_recipient_outbox() -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in mail.outbox:
        for address in message.to:
            counts[address] = counts.get(address, 0) + 1
    return counts


def test_one_click_unsubscribe_from_the_header_stops_the_next_digest(
    riverside, person, mail_sink, smtp_to
):
    smtp_to(mail_sink)
    start = news_week(riverside, 31)
    weekly_digests_send(centre=riverside, week_start=start)
    (delivered,) = [
        r for r in of_week(mail_sink, start) if "parent1@riverside.example" in r.recipients
    ]
    assert delivered.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header_url = "".join(str(delivered.message["List-Unsubscribe"]).split()).strip("<>")
    path = urlparse(header_url).path
    parent = person("parent1@riverside.example")
    links = Guardianship.objects.filter(guardian=parent, centre=riverside)
    anonymous = Client(enforce_csrf_checks=True)  # as a mail program: no session, no token

    assert anonymous.get(path).status_code == 200  # a GET (a link scanner) only asks
    assert set(links.values_list("weekly_digest", flat=True)) == {True}

    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert set(links.values_list("weekly_digest", flat=True)) == {False}
    assert set(links.values_list("email_notices", flat=True)) == {True}  # only this kind

    next_week = news_week(riverside, 32)
    summary = weekly_digests_send(centre=riverside, week_start=next_week)
    assert summary.sent == 14
    assert not Digest.objects.filter(guardian=parent, week_start=next_week).exists()
    assert not [
        r for r in of_week(mail_sink, next_week) if "parent1@riverside.example" in r.recipients
    ]


def test_the_per_child_link_stops_the_digest_about_that_child_only(riverside, person):
    start = news_week(riverside, 33)
    weekly_digests_send(centre=riverside, week_start=start)
    parent = person("parent1@riverside.example")
    html = Digest.objects.get(guardian=parent, week_start=start).html
    # In order: Student 1's section, Student 16's section, then the whole digest's footer.
    first_child, _second_child, _whole_digest = re.findall(
        r'href="([^"]*/unsubscribe/[^"]*)"', html
    )
    response = Client().post(urlparse(first_child).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    kept = Guardianship.objects.filter(guardian=parent, weekly_digest=True)
    assert list(kept.values_list("student__email", flat=True)) == ["student16@riverside.example"]
    next_week = news_week(riverside, 34)
    weekly_digests_send(centre=riverside, week_start=next_week)
    digest = Digest.objects.get(guardian=parent, week_start=next_week)
    assert [c["name"] for c in digest.summary["children"]] == ["Student 16"]


def test_an_address_the_server_refuses_for_good_is_marked_and_the_rest_go_out(
    riverside, flaky_sink, smtp_to
):
    smtp_to(flaky_sink)
    flaky_sink.refuse = {"parent4@riverside.example"}
    start = news_week(riverside, 35)

    summary = weekly_digests_send(centre=riverside, week_start=start)

    assert summary.sent == 14 and summary.failed == 1
    refused = Digest.objects.get(guardian__email="parent4@riverside.example", week_start=start)
    assert refused.status == Digest.Status.FAILED and "550" in refused.error
    assert per_recipient(of_week(flaky_sink, start)) == dict.fromkeys(
        RIVERSIDE_PARENTS - {"parent4@riverside.example"}, 1
    )
    assert weekly_digests_send(centre=riverside, week_start=start) == DigestSummary()


def test_a_temporary_smtp_error_stops_the_run_and_a_rerun_sends_the_rest_once(
    riverside, flaky_sink, smtp_to
):
    from smtplib import SMTPDataError

    smtp_to(flaky_sink)
    flaky_sink.fail_on = {4}
    start = news_week(riverside, 36)

    with pytest.raises(SMTPDataError):
        weekly_digests_send(centre=riverside, week_start=start)
    assert len(of_week(flaky_sink, start)) == 3
    assert Digest.objects.filter(week_start=start, status=Digest.Status.SENT).count() == 3

    summary = weekly_digests_send(centre=riverside, week_start=start)
    assert summary == DigestSummary(sent=12)
    assert per_recipient(of_week(flaky_sink, start)) == dict.fromkeys(RIVERSIDE_PARENTS, 1)
