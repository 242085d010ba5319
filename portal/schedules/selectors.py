"""What the Scheduled jobs screen shows: each schedule in words, its last and next run."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from portal.centres.models import Centre
from portal.schedules.models import JobRun
from portal.schedules.services import JobSpec, periodic_tasks, spec_for

DAYS = {
    "*": "Every day",
    "1": "Mondays",
    "2": "Tuesdays",
    "3": "Wednesdays",
    "4": "Thursdays",
    "5": "Fridays",
    "6": "Saturdays",
    "0": "Sundays",
}
#: Runs older than this are not looked at for "last run" (the digest runs weekly).
_LOOKBACK = dt.timedelta(days=35)


@dataclass(frozen=True)
class ScheduleRow:
    task: PeriodicTask
    spec: JobSpec
    centre: Centre | None
    last_run: JobRun | None

    @property
    def when(self) -> str:
        return describe(self.task)

    @property
    def next_run(self) -> dt.datetime | None:
        if not self.task.enabled:
            return None
        schedule = self.task.crontab.schedule
        now = timezone.now()
        return now + schedule.remaining_estimate(self.task.last_run_at or now)


def describe(task: PeriodicTask) -> str:
    """'Every day at 09:00 (Europe/London)'; an unusual crontab is shown as it is."""
    crontab = task.crontab
    simple = crontab.minute.isdigit() and crontab.hour.isdigit() and crontab.day_of_week in DAYS
    if not simple or (crontab.day_of_month, crontab.month_of_year) != ("*", "*"):
        return (
            f"crontab {crontab.minute} {crontab.hour} {crontab.day_of_month} "
            f"{crontab.month_of_year} {crontab.day_of_week} ({crontab.timezone})"
        )
    return (
        f"{DAYS[crontab.day_of_week]} at {int(crontab.hour):02d}:{int(crontab.minute):02d} "
        f"({crontab.timezone})"
    )


def schedule_rows() -> list[ScheduleRow]:
    """Every scheduled job of every centre, with its newest run, in three queries."""
    tasks = list(periodic_tasks())
    centre_ids = {json.loads(task.kwargs or "{}").get("centre_id") for task in tasks}
    centres = Centre.objects.in_bulk([pk for pk in centre_ids if pk])
    newest: dict[tuple[str, int | None], JobRun] = {}
    recent = JobRun.objects.filter(started_at__gte=timezone.now() - _LOOKBACK)
    for run in recent.order_by("started_at"):
        newest[(run.job, run.centre_id)] = run
    rows = []
    for task in tasks:
        spec = spec_for(task)
        centre = centres.get(json.loads(task.kwargs or "{}").get("centre_id"))
        rows.append(ScheduleRow(task, spec, centre, newest.get((spec.job, centre and centre.pk))))
    return sorted(rows, key=lambda row: (row.centre is not None, str(row.centre), row.spec.job))
