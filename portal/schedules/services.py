"""The schedules themselves: rows in django-celery-beat's database, one per centre and job.

Each centre's reminders and digest run on a crontab in the centre's own time zone, so
"9:00" means 9:00 in London for one centre and in New York for another, across clock changes.
A platform admin can change the times or switch a schedule off in the admin (Settings →
Scheduled jobs); syncing only adds what is missing and follows a centre's time zone, so their
edits stay.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal.centres.models import Centre
from portal.schedules.models import Job


@dataclass(frozen=True)
class JobSpec:
    job: Job
    task: str
    minute: str
    hour: str
    day_of_week: str = "*"
    per_centre: bool = True


JOBS = {
    Job.REMINDERS: JobSpec(Job.REMINDERS, "schedules.homework_reminders", "0", "9"),
    Job.DIGEST: JobSpec(Job.DIGEST, "schedules.weekly_digest", "0", "18", day_of_week="0"),
    Job.CLEANUP: JobSpec(Job.CLEANUP, "schedules.cleanup", "0", "2", per_centre=False),
}
_BY_TASK = {spec.task: spec for spec in JOBS.values()}


def spec_for(task: PeriodicTask) -> JobSpec | None:
    return _BY_TASK.get(task.task)


def periodic_tasks(*, using: str = "default"):
    """Our scheduled jobs' rows (not the heartbeat or publishing ticks), with their times."""
    return (
        PeriodicTask.objects.using(using)
        .filter(task__in=list(_BY_TASK))
        .select_related("crontab")
        .order_by("task", "name")
    )


def _crontab(spec: JobSpec, zone: str, like: CrontabSchedule | None, using: str):
    """The crontab for `spec` in `zone`, keeping the times of `like` (an admin's edit)."""
    times = (
        {"minute": like.minute, "hour": like.hour, "day_of_week": like.day_of_week}
        if like
        else {"minute": spec.minute, "hour": spec.hour, "day_of_week": spec.day_of_week}
    )
    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        **times, day_of_month="*", month_of_year="*", timezone=zone
    )
    return crontab


def _ensure(spec: JobSpec, *, name: str, zone: str, kwargs: dict, using: str) -> PeriodicTask:
    encoded = json.dumps(kwargs)
    task = PeriodicTask.objects.using(using).filter(task=spec.task, kwargs=encoded).first()
    if task is None:
        return PeriodicTask.objects.using(using).create(
            name=name,
            task=spec.task,
            kwargs=encoded,
            crontab=_crontab(spec, zone, None, using),
            description=f"Runs {spec.job.label.lower()} in {zone} time.",
        )
    changed = []
    if str(task.crontab.timezone) != zone:
        task.crontab = _crontab(spec, zone, task.crontab, using)
        changed.append("crontab")
    if task.name != name:
        task.name = name
        changed.append("name")
    if changed:
        task.save(update_fields=changed)
    return task


def centre_schedules_sync(*, centre: Centre, using: str = "default") -> list[PeriodicTask]:
    """Make sure the centre's reminder and digest schedules exist, in its time zone."""
    with transaction.atomic(using=using):
        return [
            _ensure(
                spec,
                name=f"{spec.job.label} · {centre.name}",
                zone=centre.timezone,
                kwargs={"centre_id": centre.pk},
                using=using,
            )
            for spec in JOBS.values()
            if spec.per_centre
        ]


def centre_schedules_remove(*, centre_id: int, using: str = "default") -> int:
    tasks = PeriodicTask.objects.using(using).filter(
        task__in=[spec.task for spec in JOBS.values() if spec.per_centre],
        kwargs=json.dumps({"centre_id": centre_id}),
    )
    return tasks.delete()[0]


def schedules_sync(*, using: str = "default") -> None:
    """Every centre's schedules, and the platform's clean-up in the platform's time zone."""
    for centre in Centre.objects.using(using).all():
        centre_schedules_sync(centre=centre, using=using)
    spec = JOBS[Job.CLEANUP]
    _ensure(
        spec,
        name=spec.job.label,
        zone=settings.PLATFORM_TIME_ZONE,
        kwargs={},
        using=using,
    )


def schedule_change(
    *, task: PeriodicTask, enabled: bool, at: dt.time, day_of_week: str = "*"
) -> PeriodicTask:
    """A platform admin's change of a job's time (in the same time zone) or on/off switch."""
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(at.minute),
        hour=str(at.hour),
        day_of_week=day_of_week,
        day_of_month="*",
        month_of_year="*",
        timezone=str(task.crontab.timezone),
    )
    task.crontab, task.enabled = crontab, enabled
    task.save()  # django-celery-beat tells a running beat that the schedule changed
    return task


def schedule_run_now(*, task: PeriodicTask) -> str:
    """Send a scheduled job to the workers now (its period's run happens once all the same:
    a job already done today, or this week for the digest, does nothing). Returns the task id."""
    from portal.celery import app

    return app.send_task(task.task, kwargs=json.loads(task.kwargs or "{}")).id
