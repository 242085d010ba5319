"""Across processes: real Celery workers build and e-mail a week's digests to a real SMTP server,
exactly once per guardian, when runs overlap, when a worker is killed, when SMTP fails.

These tests commit (workers are other processes), so they use `live_digests`, not `db`.
"""

from __future__ import annotations

import time
import uuid

from portal.centres.models import Centre
from portal.digests.models import Digest
from portal.digests.tasks import send_week
from tests.digests.conftest import of_week, per_recipient
from tests.digests.helpers import announcement, at, monday_in
from tests.processes import celery_worker, wait_until

RIVERSIDE_PARENTS = {f"parent{n}@riverside.example" for n in range(1, 16)}
ONE_EACH = dict.fromkeys(RIVERSIDE_PARENTS, 1)


def news_week(weeks: int) -> tuple[Centre, str]:
    """A week in which Riverside announces something, so each of its 15 parents has news."""
    riverside = Centre.objects.get(slug="riverside")
    start = monday_in(riverside, weeks)
    announcement(riverside, f"News {uuid.uuid4().hex[:6]}", published_at=at(riverside, start))
    return riverside, start


def test_two_runs_at_once_and_a_third_after_send_one_email_per_guardian(
    live_digests, live_worker_queue, mail_sink, process_logs
):
    riverside, start = news_week(40)
    args = (riverside.pk, start.isoformat())
    mail_sink.delay = 0.05  # long enough for the two runs to overlap
    try:
        with celery_worker(process_logs, live_worker_queue, EMAIL_URL=mail_sink.url):
            both = [send_week.apply_async(args, queue=live_worker_queue) for _ in range(2)]
            results = [run.get(timeout=120) for run in both]
            again = send_week.apply_async(args, queue=live_worker_queue).get(timeout=60)
    finally:
        mail_sink.delay = 0
    assert sum(r["sent"] for r in results) == 15
    assert again == {"built": 0, "skipped": 0, "sent": 0, "failed": 0}
    time.sleep(1)  # nothing more trickles in
    received = of_week(mail_sink, start)
    assert per_recipient(received) == ONE_EACH
    assert len({r.message["Message-ID"] for r in received}) == 15
    assert Digest.objects.filter(week_start=start, centre=riverside).count() == 15


def test_worker_killed_mid_run_still_sends_exactly_one_digest_each(
    live_digests, mail_sink, process_logs
):
    """`kill -9` of the worker while the mail server holds a digest unanswered, then a new
    worker: the task comes back (late acknowledgement) and resumes with what is left.

    Asserted per guardian: exactly one distinct Message-ID received. In total at most one raw
    re-delivery is allowed: the message in flight at the kill, if the server had accepted it
    before the worker died (our sink, like a real server, drops a message whose sender went
    away before hearing "250", so here it is normally zero). A re-delivery carries the same
    Message-ID, so a mailbox shows one digest.
    """
    riverside, start = news_week(41)
    queue = f"digest-crash-{uuid.uuid4().hex[:6]}"
    env = {"EMAIL_URL": mail_sink.url, "CELERY_VISIBILITY_TIMEOUT": "3"}
    mail_sink.delay = 0.4
    try:
        with celery_worker(process_logs, queue, **env) as first:
            send_week.apply_async((riverside.pk, start.isoformat()), queue=queue)
            wait_until(lambda: len(of_week(mail_sink, start)) >= 3, timeout=60, what="3 sent")
            wait_until(lambda: mail_sink.holding > 0, timeout=10, what="a message in flight")
            first.kill()  # SIGKILL: no chance to finish, mark or acknowledge
            first.wait(timeout=10)
        before_restart = len(of_week(mail_sink, start))
        assert 3 <= before_restart < 15, "the worker must die mid-run"
        assert Digest.objects.filter(week_start=start, status=Digest.Status.PENDING).exists()
        mail_sink.delay = 0
        with celery_worker(process_logs, queue, **env):
            wait_until(
                lambda: (
                    not Digest.objects.filter(
                        week_start=start, centre=riverside, status=Digest.Status.PENDING
                    ).exists()
                ),
                timeout=120,
                what="every digest sent",
            )
            time.sleep(2)
    finally:
        mail_sink.delay = 0
    received = of_week(mail_sink, start)
    ids_per_parent: dict[str, set[str]] = {}
    for r in received:
        for address in r.recipients:
            ids_per_parent.setdefault(address, set()).add(str(r.message["Message-ID"]))
    assert {a: len(ids) for a, ids in ids_per_parent.items()} == ONE_EACH
    assert len(received) - len(RIVERSIDE_PARENTS) <= 1  # the in-flight one, at most
    sent = Digest.objects.filter(week_start=start, centre=riverside, status=Digest.Status.SENT)
    assert sent.count() == 15
    assert {d.message_id for d in sent} == {str(r.message["Message-ID"]) for r in received}


def test_an_smtp_failure_mid_run_is_retried_without_duplicates_or_losses(
    live_digests, flaky_sink, process_logs
):
    riverside, start = news_week(42)
    flaky_sink.fail_on = {5, 9}  # two temporary failures: two retries with backoff
    queue = f"digest-flaky-{uuid.uuid4().hex[:6]}"
    with celery_worker(process_logs, queue, EMAIL_URL=flaky_sink.url):
        result = send_week.apply_async((riverside.pk, start.isoformat()), queue=queue)
        wait_until(
            lambda: len(of_week(flaky_sink, start)) >= 15, timeout=120, what="all 15 digests"
        )
        outcome = result.get(timeout=60)
        time.sleep(1)
    assert flaky_sink.attempts == 17  # 15 accepted, 2 answered "451"
    assert per_recipient(of_week(flaky_sink, start)) == ONE_EACH
    assert outcome["sent"] == 8  # the third run sent what the first two (4 + 3) left
    assert Digest.objects.filter(week_start=start, status=Digest.Status.SENT).count() == 15
