"""Real processes: celery beat sends a centre's job, a worker runs it, e-mail reaches a real SMTP
server; and a second beat started by mistake stands by until the first is gone."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal.centres.models import Centre
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.schedules.models import Job, JobRun
from tests.homework.conftest import remove_content
from tests.processes import celery_beat, wait_until


@pytest.fixture
def beat_db(django_db_setup, django_db_blocker):
    """Committed writes (the processes must see them), undone afterwards: homework made here,
    their reminders, the runs and the schedules' last-run times."""
    with django_db_blocker.unblock():
        homework_before = set(Homework.objects.values_list("pk", flat=True))
        runs_before = set(JobRun.objects.values_list("pk", flat=True))
        last_runs = dict(PeriodicTask.objects.values_list("pk", "last_run_at"))
        yield
        remove_content(Homework.objects.exclude(pk__in=homework_before))
        JobRun.objects.exclude(pk__in=runs_before).delete()
        PeriodicTask.objects.exclude(pk__in=last_runs).delete()
        for pk, last_run_at in last_runs.items():
            PeriodicTask.objects.filter(pk=pk).update(last_run_at=last_run_at)


def test_beat_sends_the_centres_reminders_and_the_worker_delivers_them(
    beat_db, live_worker_queue, mail_sink, process_logs
):
    riverside = Centre.objects.get(slug="riverside")
    zone = riverside.zone
    today = timezone.localdate(timezone=zone)
    seven_m_one = SchoolClass.objects.get(centre=riverside, code="7M1")
    Homework.objects.create(
        school_class=seven_m_one,
        title="Beat-sent reminder",
        instructions="<p>All of it.</p>",
        due_at=dt.datetime.combine(today + dt.timedelta(days=1), dt.time(16), zone),
        live=True,
    )
    # Beat was down for the last 9:00: its last run was the day before, so the reminder job is
    # due the moment beat starts (the clock-controlled tests prove the 9:00 itself).
    reminders = PeriodicTask.objects.get(
        task="schedules.homework_reminders", kwargs=json.dumps({"centre_id": riverside.pk})
    )
    reminders.last_run_at = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(9, 30), zone)
    reminders.save()

    students = set(
        Enrollment.objects.current(today)
        .filter(school_class=seven_m_one)
        .values_list("student__email", flat=True)
    )
    with celery_beat(process_logs, BEAT_LOCK_TTL="3"):
        received = mail_sink.wait_for(len(students), "Beat-sent reminder", timeout=90)
        wait_until(
            lambda: JobRun.objects.filter(
                job=Job.REMINDERS, centre=riverside, period=today, status="done"
            ).exists(),
            timeout=30,
            what="the reminder run to be recorded",
        )
    assert {r.recipients[0] for r in received} == students
    run = JobRun.objects.get(job=Job.REMINDERS, centre=riverside, period=today)
    assert run.outcome["sent"] >= len(students) and run.attempts == 1


def _sent(log, name: str) -> int:
    return log.read_bytes().count(f"Sending due task {name}".encode())


def test_a_second_beat_stands_by_and_takes_over_when_the_first_dies(beat_db, process_logs):
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="Lock probe",
        task="core.worker_heartbeat",
        interval=every_second,
        kwargs=json.dumps({"hostname": "lock-probe"}),
    )
    with celery_beat(process_logs, BEAT_LOCK_TTL="3") as (first, first_log):
        wait_until(lambda: _sent(first_log, "Lock probe") >= 2, timeout=30, what="first beat")
        with celery_beat(process_logs, BEAT_LOCK_TTL="3") as (_, second_log):
            wait_until(
                lambda: b"held by another beat" in second_log.read_bytes(),
                timeout=30,
                what="second beat to stand by",
            )
            sent_before = _sent(first_log, "Lock probe")
            time.sleep(3)  # several of the probe's periods pass: only the first beat sends
            assert _sent(second_log, "Lock probe") == 0
            assert _sent(first_log, "Lock probe") > sent_before

            os.kill(first.pid, signal.SIGKILL)  # no clean release: the lock must run out
            first.wait(timeout=10)
            wait_until(
                lambda: _sent(second_log, "Lock probe") >= 2,
                timeout=30,
                what="second beat to take over",
            )
    assert b"Beat lock taken" in second_log.read_bytes()
