"""The jobs django-celery-beat triggers; each runs once per period however often it is sent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import smtplib
import zoneinfo
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from portal.centres.models import Centre
from portal.schedules.models import Job
from portal.schedules.runs import RunInProgress, job_run

#: Mail trouble is worth retrying with backoff; the services skip what was already sent.
_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
_RETRY = {
    "bind": True,
    "autoretry_for": _MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "max_retries": 8,
}


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: the digest sent on Sunday covers Monday to Sunday."""
    return day - dt.timedelta(days=day.weekday())


def _as_outcome(result) -> dict:
    return dataclasses.asdict(result) if dataclasses.is_dataclass(result) else dict(result)


def _run(task, job: Job, centre: Centre | None, period: dt.date, work: Callable) -> dict:
    try:
        with job_run(job=job, centre=centre, period=period) as run:
            if run is None:
                return {"skipped": f"already done for {period}"}
            run.outcome = _as_outcome(work())
            return run.outcome
    except RunInProgress as busy:
        # Overlapping its own earlier run: wait for it, then find the period done (or resume).
        raise task.retry(exc=busy, countdown=60) from busy


def _run_for_centre(task, job: Job, centre_id: int, period_of: Callable, work: Callable) -> dict:
    """`work(centre, period)` for the centre's period (from its local date), once."""
    centre = Centre.objects.filter(pk=centre_id).first()
    if centre is None:
        return {"skipped": "no such centre"}
    period = period_of(timezone.localdate(timezone=centre.zone))
    return _run(task, job, centre, period, lambda: work(centre, period))


@shared_task(name="schedules.homework_reminders", **_RETRY)
def homework_reminders(self, centre_id: int) -> dict:
    """Today's homework reminders for one centre; idempotent (once per centre-local day)."""
    from portal.reminders.services import homework_reminders_send

    return _run_for_centre(
        self,
        Job.REMINDERS,
        centre_id,
        lambda today: today,
        lambda centre, today: homework_reminders_send(centre=centre, on=today),
    )


@shared_task(name="schedules.weekly_digest", **_RETRY)
def weekly_digest(self, centre_id: int) -> dict:
    """This week's parent digests for one centre; idempotent (once per centre-local week)."""
    from portal.digests.services import weekly_digests_send

    return _run_for_centre(
        self,
        Job.DIGEST,
        centre_id,
        week_start,
        lambda centre, monday: weekly_digests_send(centre=centre, week_start=monday),
    )


@shared_task(name="schedules.cleanup", bind=True, max_retries=3)
def cleanup(self) -> dict:
    """Remove expired sessions, tokens, report files and stale uploads; idempotent (daily)."""
    from portal.schedules.cleanup import platform_cleanup

    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.PLATFORM_TIME_ZONE))
    return _run(self, Job.CLEANUP, None, today, platform_cleanup)
