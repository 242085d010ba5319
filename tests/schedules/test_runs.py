"""A job's run happens once per period; an overlapping run waits; a failed one is retried."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from django.db import connection

from portal.schedules.models import Job, JobRun
from portal.schedules.runs import RunInProgress, _lock_key, job_run
from portal.schedules.tasks import week_start

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 26)


def test_a_period_runs_once_and_records_what_it_did(riverside):
    with job_run(job=Job.REMINDERS, centre=riverside, period=DAY) as run:
        run.outcome = {"sent": 3}
    with job_run(job=Job.REMINDERS, centre=riverside, period=DAY) as again:
        assert again is None
    with job_run(
        job=Job.REMINDERS, centre=riverside, period=DAY + dt.timedelta(days=1)
    ) as next_day:
        assert next_day is not None
    done = JobRun.objects.get(job=Job.REMINDERS, centre=riverside, period=DAY)
    assert (done.status, done.outcome, done.attempts) == ("done", {"sent": 3}, 1)
    assert done.finished_at is not None


def test_a_failed_run_is_recorded_and_resumed_by_the_retry(riverside):
    with pytest.raises(ConnectionError), job_run(job=Job.DIGEST, centre=riverside, period=DAY):
        raise ConnectionError("SMTP server went away")
    failed = JobRun.objects.get(job=Job.DIGEST, centre=riverside)
    assert failed.status == "failed" and "SMTP server went away" in failed.error
    with job_run(job=Job.DIGEST, centre=riverside, period=DAY) as retry:
        assert retry is not None
    assert JobRun.objects.get(pk=failed.pk).attempts == 2


def test_platform_jobs_are_once_per_period_too():
    with job_run(job=Job.CLEANUP, centre=None, period=DAY) as run:
        assert run is not None
    with job_run(job=Job.CLEANUP, centre=None, period=DAY) as again:
        assert again is None
    assert JobRun.objects.filter(job=Job.CLEANUP).count() == 1


def test_a_run_overlapping_its_own_earlier_run_does_not_start(riverside, hillcrest):
    """Another worker's session holds the job's lock (it is still running): ours stands back,
    while the same job for another centre goes ahead."""
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    worker = other.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", _lock_key(Job.REMINDERS, riverside))
        with pytest.raises(RunInProgress), job_run(job=Job.REMINDERS, centre=riverside, period=DAY):
            pytest.fail("ran alongside the other worker")
        with job_run(job=Job.REMINDERS, centre=hillcrest, period=DAY) as elsewhere:
            assert elsewhere is not None
    finally:
        other.close()  # as a killed worker's connection does: the lock goes with it
    _wait_until_gone(worker)
    with job_run(job=Job.REMINDERS, centre=riverside, period=DAY) as now_free:
        assert now_free is not None


def _wait_until_gone(backend: int, attempts: int = 200) -> None:
    """The server ends a closed connection's session (and frees its locks) a moment after the
    client has gone: wait for that, in bounded steps, rather than race it."""
    with connection.cursor() as cursor:
        for _ in range(attempts):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.025)
    raise AssertionError(f"session {backend} still there after its connection closed")


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (dt.date(2026, 11, 29), dt.date(2026, 11, 23)),
        (dt.date(2026, 11, 23), dt.date(2026, 11, 23)),
    ],
)
def test_the_digest_week_starts_on_monday(day, monday):
    assert week_start(day) == monday
