"""Schedules live in django-celery-beat's database, one per centre and job, in the centre's
time zone, and fire once a day (or week) across both clock changes."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from portal.celery import app
from portal.centres import services as centre_services
from portal.centres.models import Centre
from portal.home.models import CentreHomePage
from portal.schedules.services import periodic_tasks, schedules_sync

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def task_for(centre: Centre, name: str) -> PeriodicTask:
    return PeriodicTask.objects.get(task=name, kwargs=json.dumps({"centre_id": centre.pk}))


def test_each_centre_has_reminders_and_digest_in_its_own_time_zone(riverside, hillcrest):
    for centre, zone in ((riverside, "Europe/London"), (hillcrest, "America/New_York")):
        reminders = task_for(centre, "schedules.homework_reminders")
        digest = task_for(centre, "schedules.weekly_digest")
        assert (reminders.crontab.hour, reminders.crontab.minute) == ("9", "0")
        assert (digest.crontab.hour, digest.crontab.day_of_week) == ("18", "0")
        assert {str(reminders.crontab.timezone), str(digest.crontab.timezone)} == {zone}
        assert reminders.enabled and digest.enabled
    cleanup = PeriodicTask.objects.get(task="schedules.cleanup")
    assert (cleanup.crontab.hour, str(cleanup.crontab.timezone)) == ("2", "Europe/London")


def test_a_new_centre_gets_schedules_and_loses_them_when_removed():
    centre = centre_services.centre_create(
        name="Lakeside",
        slug="lakeside",
        timezone="Asia/Tokyo",
        contact_email="office@lakeside.example",
    )
    assert {
        t.task for t in periodic_tasks().filter(kwargs=json.dumps({"centre_id": centre.pk}))
    } == {
        "schedules.homework_reminders",
        "schedules.weekly_digest",
    }
    centre_id = centre.pk
    CentreHomePage.objects.filter(centre=centre).delete()  # protects the centre
    centre.delete()
    assert not PeriodicTask.objects.filter(kwargs=json.dumps({"centre_id": centre_id})).exists()


def test_time_zone_change_moves_the_schedule_and_keeps_an_admins_time(riverside):
    reminders = task_for(riverside, "schedules.homework_reminders")
    crontab = reminders.crontab
    crontab.pk, crontab.hour = None, "8"  # a platform admin moved reminders to 8:00
    crontab.save()
    reminders.crontab = crontab
    reminders.save()
    riverside.timezone = "Europe/Dublin"
    riverside.save()
    schedules_sync()  # and again: nothing more changes
    moved = task_for(riverside, "schedules.homework_reminders")
    assert (moved.crontab.hour, str(moved.crontab.timezone)) == ("8", "Europe/Dublin")
    assert periodic_tasks().filter(kwargs=json.dumps({"centre_id": riverside.pk})).count() == 2


def fire_times(task: PeriodicTask, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """When beat sends `task` between start and end, under a controlled clock.

    The schedule object is the one beat's database scheduler builds from the row
    (`ModelEntry`); only its clock is ours. Ticks every minute, as often as a crontab can fire.
    """
    schedule = ModelEntry(task, app=app).schedule
    zone = schedule.tz
    clock = start.astimezone(UTC)  # steps of real time: local wall-clock steps skip or repeat
    schedule.nowfun = lambda: clock.astimezone(zone)
    last_run, fired = start, []
    while clock < end:
        if schedule.is_due(last_run).is_due:
            fired.append(clock.astimezone(zone))
            last_run = clock
        clock += dt.timedelta(minutes=1)
    return fired


# The Sundays clocks change in 2026: London 29 March and 25 October, New York 8 March and
# 1 November. The digest goes out on Sundays, so each transition day is also a digest day.
TRANSITIONS = [
    ("riverside", dt.date(2026, 3, 29)),
    ("riverside", dt.date(2026, 10, 25)),
    ("hillcrest", dt.date(2026, 3, 8)),
    ("hillcrest", dt.date(2026, 11, 1)),
]


@pytest.mark.parametrize(("slug", "sunday"), TRANSITIONS)
def test_jobs_fire_once_at_local_time_across_a_clock_change(slug, sunday):
    centre = Centre.objects.get(slug=slug)
    zone = zoneinfo.ZoneInfo(centre.timezone)
    start = dt.datetime.combine(sunday - dt.timedelta(days=2), dt.time(), tzinfo=zone)
    end = dt.datetime.combine(sunday + dt.timedelta(days=2), dt.time(), tzinfo=zone)
    assert start.utcoffset() != end.utcoffset(), "the window must span the clock change"

    reminders = fire_times(task_for(centre, "schedules.homework_reminders"), start, end)
    assert [t.date() for t in reminders] == [start.date() + dt.timedelta(days=n) for n in range(4)]
    assert {(t.hour, t.minute) for t in reminders} == {(9, 0)}

    digest = fire_times(task_for(centre, "schedules.weekly_digest"), start, end)
    assert [(t.date(), t.hour, t.minute) for t in digest] == [(sunday, 18, 0)]


@pytest.mark.parametrize("sunday", [dt.date(2026, 3, 29), dt.date(2026, 10, 25)])
def test_nightly_cleanup_runs_once_each_night_across_the_platforms_clock_change(sunday):
    zone = zoneinfo.ZoneInfo("Europe/London")
    start = dt.datetime.combine(sunday - dt.timedelta(days=1), dt.time(), tzinfo=zone)
    end = dt.datetime.combine(sunday + dt.timedelta(days=2), dt.time(), tzinfo=zone)
    fired = fire_times(PeriodicTask.objects.get(task="schedules.cleanup"), start, end)
    assert [(t.date(), t.hour) for t in fired] == [
        (start.date() + dt.timedelta(days=n), 2) for n in range(3)
    ]


def test_a_switched_off_schedule_is_not_switched_back_on_by_a_sync(riverside):
    digest = task_for(riverside, "schedules.weekly_digest")
    digest.enabled = False
    digest.save()
    schedules_sync()
    assert not task_for(riverside, "schedules.weekly_digest").enabled
