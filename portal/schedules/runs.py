"""Claiming a scheduled job's run: once per period, never two at a time, resumable after a crash.

Two triggers of the same job and period (two beats, a clock change, a manual re-run) meet at the
`JobRun` row. Two *overlapping* runs of a job for a centre meet at a lock: a PostgreSQL advisory
lock held by the worker's database session, so a worker killed with `kill -9` drops it with its
connection, and the redelivered task resumes the unfinished run (the services it calls are
idempotent). Without PostgreSQL (embedded mode) a cache lock with a time limit stands in.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.centres.models import Centre
from portal.schedules.models import Job, JobRun


class RunInProgress(Exception):
    """Another worker is running this job for this centre right now."""


def _lock_key(job: str, centre: Centre | None) -> tuple[int, int]:
    return zlib.crc32(f"portal.schedules.{job}".encode()) - 2**31, centre.pk if centre else 0


@contextmanager
def _exclusive(job: str, centre: Centre | None) -> Iterator[bool]:
    key = _lock_key(job, centre)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        return
    name = f"schedules-lock-{key[0]}-{key[1]}"
    held = cache.add(name, 1, timeout=settings.CELERY_TASK_TIME_LIMIT)
    try:
        yield held
    finally:
        if held:
            cache.delete(name)


def _claim(job: str, centre: Centre | None, period: dt.date) -> JobRun:
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job, centre=centre, period=period, started_at=timezone.now()
            )
    except IntegrityError:  # an earlier trigger made it: resume or skip it
        return JobRun.objects.get(job=job, centre=centre, period=period)


@contextmanager
def job_run(*, job: Job, centre: Centre | None, period: dt.date) -> Iterator[JobRun | None]:
    """The run to do now, or None if it is already done.

    Raises `RunInProgress` if another worker holds it (the caller retries later). The run is
    marked done with the `outcome` the caller stores on it, or failed with the error.
    """
    with _exclusive(job, centre) as held:
        if not held:
            raise RunInProgress(f"{job} for {centre or 'the platform'} is running elsewhere")
        run = _claim(job, centre, period)
        if run.status == JobRun.Status.DONE:
            yield None
            return
        run.attempts += 1
        run.status, run.error = JobRun.Status.RUNNING, ""
        run.save(update_fields=["attempts", "status", "error"])
        try:
            yield run
        except Exception as error:
            run.status, run.error = JobRun.Status.FAILED, f"{type(error).__name__}: {error}"
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            raise
        run.status, run.finished_at = JobRun.Status.DONE, timezone.now()
        run.save(update_fields=["status", "finished_at", "outcome"])
