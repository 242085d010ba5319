"""Across processes: the real Celery worker e-mails a real SMTP server, exactly once each.

These tests commit (the worker is another process), so they must not use the `db` fixture
(or fixtures built on it, like `riverside`), which would hold everything in one uncommitted
transaction; `live_db` removes what they made.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from portal.accounts.models import User
from portal.classes.models import SchoolClass
from portal.homework.models import Homework
from portal.notifications.services import notifications_suppressed
from portal.notifications.tasks import send_go_live_notices
from portal.publishing.tasks import publish_scheduled
from tests.homework.helpers import homework_form, url, workflow_action
from tests.processes import celery_worker, wait_until

STUDENTS = {f"student{n}@riverside.example" for n in range(1, 21)}
PARENTS = {f"parent{n}@riverside.example" for n in range(1, 16)}
EVERYONE = STUDENTS | PARENTS  # 7M1's students and their parents: 35 people


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def delivered(mail_sink, title: str, expect: int, timeout: float = 90) -> Counter:
    received = mail_sink.wait_for(expect, subject_contains=title, timeout=timeout)
    return Counter(address for r in received for address in r.recipients)


def unique_title(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def test_review_then_approval_emails_each_student_and_parent_once(
    live_db, live_worker_queue, mail_sink
):
    maths = SchoolClass.objects.get(centre__slug="riverside", code="7M1")
    title = unique_title("Long division")
    teacher, admin = signed_in("teacher1@riverside.example"), signed_in("admin@riverside.example")
    form = homework_form(maths, title=title)

    teacher.post(url("add"), {**form, "action-submit": "1"})
    homework = Homework.objects.get(title=title)
    workflow_action(admin, homework, "reject", comment="Say which pages.")
    teacher.post(url("edit", homework.pk), {**form, "action-submit": "1"})
    time.sleep(1)
    assert mail_sink.received(title) == [], "nothing may be sent before approval"
    workflow_action(admin, homework, "approve")

    counts = delivered(mail_sink, title, expect=len(EVERYONE))
    assert set(counts) == EVERYONE
    assert set(counts.values()) == {1}
    time.sleep(2)  # nothing more trickles in
    assert len(mail_sink.received(title)) == len(EVERYONE)


def test_scheduled_homework_is_silent_until_it_goes_live(live_db, live_worker_queue, mail_sink):
    maths = SchoolClass.objects.get(centre__slug="riverside", code="7M1")
    title = unique_title("Scheduled")
    admin = User.objects.get(email="admin@riverside.example")
    homework = Homework(
        school_class=maths,
        title=title,
        instructions="<p>Later.</p>",
        due_at=timezone.now() + dt.timedelta(days=3),
        go_live_at=timezone.now() + dt.timedelta(seconds=3),
    )
    homework.save()
    homework.save_revision(user=admin).publish(user=admin)
    homework.refresh_from_db()
    student = User.objects.get(email="student1@riverside.example")
    assert not homework.live
    assert not Homework.objects.visible_to(student).filter(pk=homework.pk).exists()
    publish_scheduled.apply_async(queue=live_worker_queue).get(timeout=30)  # too early
    time.sleep(1)
    assert mail_sink.received(title) == []

    wait_until(lambda: timezone.now() > homework.go_live_at, timeout=10, what="go-live time")
    publish_scheduled.apply_async(queue=live_worker_queue).get(timeout=30)
    counts = delivered(mail_sink, title, expect=len(EVERYONE))
    assert set(counts) == EVERYONE and set(counts.values()) == {1}
    assert Homework.objects.visible_to(student).filter(pk=homework.pk).exists()

    publish_scheduled.apply_async(queue=live_worker_queue).get(timeout=30)  # beat ticks again
    time.sleep(2)
    assert len(mail_sink.received(title)) == len(EVERYONE)


def test_worker_killed_mid_batch_still_sends_exactly_one_each(live_db, mail_sink, process_logs):
    maths = SchoolClass.objects.get(centre__slug="riverside", code="7M1")
    title = unique_title("Survives a crash")
    admin = User.objects.get(email="admin@riverside.example")
    with notifications_suppressed():
        homework = Homework(
            school_class=maths,
            title=title,
            instructions="<p>Crash test.</p>",
            due_at=timezone.now() + dt.timedelta(days=3),
        )
        homework.save()
        homework.save_revision(user=admin).publish(user=admin)
    queue = f"crash-{uuid.uuid4().hex[:6]}"
    # Unacknowledged work of a dead worker comes back after this many seconds.
    env = {"EMAIL_URL": mail_sink.url, "CELERY_VISIBILITY_TIMEOUT": "3"}
    args = (ContentType.objects.get_for_model(Homework).pk, homework.pk, 0)

    mail_sink.delay = 0.3
    try:
        with celery_worker(process_logs, queue, **env) as first:
            send_go_live_notices.apply_async(args, queue=queue)
            mail_sink.wait_for(5, subject_contains=title, timeout=60)
            # Kill while the mail server holds a message unanswered: the worker dies mid-send.
            wait_until(lambda: mail_sink.holding > 0, timeout=10, what="a message in flight")
            first.kill()  # SIGKILL: no chance to finish or acknowledge
            first.wait(timeout=10)
        sent_before_crash = len(mail_sink.received(title))
        assert 5 <= sent_before_crash < len(EVERYONE)
        mail_sink.delay = 0
        with celery_worker(process_logs, queue, **env):
            counts = delivered(mail_sink, title, expect=len(EVERYONE), timeout=120)
            time.sleep(2)
    finally:
        mail_sink.delay = 0
    assert set(counts) == EVERYONE
    assert Counter(a for r in mail_sink.received(title) for a in r.recipients) == Counter(
        dict.fromkeys(EVERYONE, 1)
    )
    message_ids = {r.message["Message-ID"] for r in mail_sink.received(title)}
    assert len(message_ids) == len(EVERYONE)
