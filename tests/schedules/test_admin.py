"""Settings → Scheduled jobs: a platform admin reads and changes schedules; nobody else sees it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from portal.centres.models import Centre
from portal.core.demo import PLATFORM_ADMIN_EMAIL as PLATFORM_ADMIN
from portal.schedules.models import Job, JobRun
from portal.schedules.services import periodic_tasks

pytestmark = pytest.mark.django_db


def digest_of(centre: Centre) -> PeriodicTask:
    return PeriodicTask.objects.get(
        task="schedules.weekly_digest", kwargs=json.dumps({"centre_id": centre.pk})
    )


def test_platform_admin_sees_every_job_in_words_with_its_last_run(
    client_for, riverside, django_assert_max_num_queries
):
    from django.utils import timezone

    JobRun.objects.create(
        job=Job.REMINDERS,
        centre=riverside,
        period=timezone.localdate(),
        started_at=timezone.now(),
        status="done",
        outcome={"sent": 12},
    )
    client = client_for(PLATFORM_ADMIN)
    client.get(reverse("schedules:index"))  # warm the admin's per-user caches
    with django_assert_max_num_queries(20):
        page = client.get(reverse("schedules:index"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Sundays at 18:00 (America/New_York)" in text
    assert "Every day at 09:00 (Europe/London)" in text
    assert "Every day at 02:00 (Europe/London)" in text and "Whole platform" in text
    assert "sent: 12" in text
    for task in periodic_tasks():
        assert text.count(f'href="{reverse("schedules:edit", args=[task.pk])}"') == 1


def test_platform_admin_moves_a_digest_and_switches_it_off(client_for, hillcrest):
    task = digest_of(hillcrest)
    answer = client_for(PLATFORM_ADMIN).post(
        reverse("schedules:edit", args=[task.pk]), {"at": "17:30", "day_of_week": "6"}
    )
    assert answer.status_code == 302
    task = digest_of(hillcrest)
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("30", "17", "6")
    assert str(crontab.timezone) == "America/New_York" and not task.enabled


def test_a_bad_time_is_a_form_error_and_changes_nothing(client_for, hillcrest):
    task = digest_of(hillcrest)
    answer = client_for(PLATFORM_ADMIN).post(
        reverse("schedules:edit", args=[task.pk]),
        {"enabled": "on", "at": "25:99", "day_of_week": "0"},
    )
    assert answer.status_code == 200 and b"Enter a valid time" in answer.content
    assert digest_of(hillcrest).crontab_id == task.crontab_id


@pytest.mark.parametrize("who", ["admin@riverside.example", "teacher1@riverside.example"])
def test_schedules_are_not_found_for_anyone_but_platform_admins(client_for, riverside, who):
    client = client_for(who)
    task = digest_of(riverside)
    assert client.get(reverse("schedules:index")).status_code == 404
    assert client.get(reverse("schedules:edit", args=[task.pk])).status_code in (302, 404)
    answer = client.post(reverse("schedules:edit", args=[task.pk]), {"at": "01:00"})
    assert answer.status_code in (302, 404)
    assert digest_of(riverside).crontab_id == task.crontab_id
