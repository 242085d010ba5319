"""Settings → System status: the seed's monitoring points, read from the real services."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_redis import get_redis_connection

from portal.core.demo import PLATFORM_ADMIN_EMAIL as PLATFORM_ADMIN
from portal.core.models import WorkerHeartbeat
from portal.schedules.models import Job, JobRun

pytestmark = pytest.mark.django_db
SECTIONS = ["database", "redis", "celery", "jobs", "backup", "server"]


@pytest.fixture
def backups(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    return tmp_path


@pytest.fixture
def queue(settings):
    """A queue of this test's own on the broker, so no live worker consumes from it."""
    settings.CELERY_TASK_DEFAULT_QUEUE = f"status-test-{os.getpid()}"
    redis = get_redis_connection("default")
    yield redis, settings.CELERY_TASK_DEFAULT_QUEUE
    redis.delete(settings.CELERY_TASK_DEFAULT_QUEUE)


def status_json(client) -> dict:
    response = client.get(reverse("system_status:json"))
    assert response.status_code == 200
    return response.json()


def test_platform_admin_reads_every_section_with_real_values(client_for, backups, queue, riverside):
    redis, name = queue
    redis.rpush(name, "task-1", "task-2", "task-3")
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="celery@worker-a", last_seen_at=now)
    WorkerHeartbeat.objects.create(hostname="celery@gone", last_seen_at=now - dt.timedelta(hours=1))
    JobRun.objects.create(
        job=Job.REMINDERS,
        centre=riverside,
        period=timezone.localdate(),
        started_at=now,
        status=JobRun.Status.FAILED,
        error="SMTP server refused the connection",
    )
    (backups / f"backup_{now:%Y%m%d}.sql.gz").write_bytes(b"x" * 2048)
    (backups / f"media_{now:%Y%m%d}.tar.gz").write_bytes(b"y" * 10)
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
    client = client_for(PLATFORM_ADMIN)

    data = status_json(client)
    sections = data["sections"]
    assert list(sections) == SECTIONS
    database = sections["database"]["values"]
    assert database["max_connections"] == max_connections
    assert 1 <= database["connections_in_use"] <= max_connections
    assert database["size_bytes"] > 1_000_000
    redis_values = sections["redis"]["values"]
    assert redis_values["used_memory_bytes"] == pytest.approx(
        redis.info("memory")["used_memory"], rel=0.5
    )
    assert redis_values["connected_clients"] >= 1
    assert redis_values["keyspace_hits"] + redis_values["keyspace_misses"] > 0
    assert sections["celery"]["values"] == {
        "queue_length": 3,
        "workers_alive": 1,
        "hosts": ["celery@worker-a"],
    }
    assert sections["celery"]["state"] == "ok"
    assert sections["jobs"]["values"]["failed"] == 1
    assert sections["jobs"]["state"] == "attention"
    assert sections["jobs"]["verdict"] == "Needs attention"
    failed = [row for row in sections["jobs"]["rows"] if row["failed"]]
    assert [(row["job"], row["centre"]) for row in failed] == [
        ("Homework reminders", "Riverside Academy")
    ]
    assert sections["backup"]["state"] == "ok"
    assert sections["backup"]["values"]["size_bytes"] == 2048
    assert sections["server"]["values"]["disk_total_bytes"] > 0
    assert data["state"] == "attention"

    page = client.get(reverse("system_status:index"))
    text = page.content.decode()
    assert page.status_code == 200
    for title in ["Database (PostgreSQL)", "Cache and queue store (Redis)", "Background jobs"]:
        assert title in text
    assert f"of {max_connections} allowed" in text
    assert "Cache hit ratio" in text and "Connected clients" in text
    assert "celery@worker-a" in text and "celery@gone" not in text
    assert "SMTP server refused the connection" in text
    assert f"backup_{now:%Y%m%d}.sql.gz, 2.0 KB" in text
    assert "Healthy" in text and "Needs attention" in text


def test_no_backup_or_an_old_one_is_red(client_for, backups):
    client = client_for(PLATFORM_ADMIN)
    section = status_json(client)["sections"]["backup"]
    assert (section["state"], section["summary"]) == ("problem", "No backup yet.")
    assert "No backup yet." in client.get(reverse("system_status:index")).content.decode()

    old = backups / "backup_20200101.sql.gz"
    old.write_bytes(b"x")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    section = status_json(client)["sections"]["backup"]
    assert section["state"] == "problem" and "not running" in section["summary"]


def test_no_live_worker_is_red(client_for, queue):
    WorkerHeartbeat.objects.all().delete()
    celery = status_json(client_for(PLATFORM_ADMIN))["sections"]["celery"]
    assert celery["state"] == "problem"
    assert celery["values"]["workers_alive"] == 0 and "No worker" in celery["summary"]


def test_without_redis_the_page_says_what_is_not_used(client_for, settings, backups):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.CELERY_BROKER_URL = "filesystem://"
    client = client_for(PLATFORM_ADMIN)
    sections = status_json(client)["sections"]
    assert sections["redis"]["state"] == "not_used"
    assert sections["celery"]["values"]["queue_length"] is None
    text = client.get(reverse("system_status:index")).content.decode()
    assert "Not used in embedded mode" in text


def test_a_redis_that_does_not_answer_is_reported_not_raised(client_for, settings, backups):
    client = client_for(PLATFORM_ADMIN)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    celery = status_json(client)["sections"]["celery"]
    assert celery["state"] == "problem" and "does not answer" in celery["summary"]


def test_the_page_reads_in_a_bounded_number_of_queries(
    client_for, backups, django_assert_max_num_queries
):
    client = client_for(PLATFORM_ADMIN)
    client.get(reverse("system_status:index"))  # warm the admin's per-user caches
    with django_assert_max_num_queries(15):
        assert client.get(reverse("system_status:index")).status_code == 200
    with django_assert_max_num_queries(10):
        status_json(client)


@pytest.mark.parametrize("who", ["admin@riverside.example", "teacher1@riverside.example"])
def test_not_found_for_anyone_but_platform_admins(client_for, who):
    client = client_for(who)
    assert client.get(reverse("system_status:index")).status_code == 404
    assert client.get(reverse("system_status:json")).status_code == 404
    assert reverse("system_status:index") not in client.get("/admin/").content.decode()


def test_the_settings_menu_offers_it_to_platform_admins(client_for):
    assert (
        reverse("system_status:index") in client_for(PLATFORM_ADMIN).get("/admin/").content.decode()
    )
