"""`make run`'s embedded mode: SQLite, no Redis, and background jobs that really run.

Starts the same Procfile `make run` starts (daphne, Celery worker and beat under honcho) on a
temporary folder, and checks the portal answers and beat's heartbeat job reaches the worker.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from portal.core.demo import DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL
from tests.processes import BIN, ROOT, free_port, running, wait_until


def embedded_env(var_dir, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        PORTAL_VAR_DIR=str(var_dir),
        PORTAL_PORT=str(port),
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )
    return env


@pytest.fixture(scope="module")
def embedded_portal(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("embedded")
    port = free_port()
    env = embedded_env(var_dir, port)
    for command in (["migrate", "--noinput"], ["seed_demo"], ["run_schedules", "reminders"]):
        subprocess.run(
            [str(BIN / "python"), "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    log = var_dir / "honcho.log"
    cmd = [str(BIN / "honcho"), "--procfile", "deploy/Procfile.embedded", "start"]
    with running(cmd, env=env, log=log) as proc:
        wait_until(lambda: b"running at" in log.read_bytes(), timeout=60, what="portal", proc=proc)
        yield {"url": f"http://127.0.0.1:{port}", "var": var_dir, "log": log}


def test_serves_the_site_and_the_admin(embedded_portal):
    for path in ("/", "/riverside/", "/admin/login/", "/readyz"):
        with urllib.request.urlopen(embedded_portal["url"] + path, timeout=10) as reply:
            assert reply.status == 200, path


def test_beat_schedules_and_the_worker_runs_jobs_without_redis(embedded_portal):
    database = embedded_portal["var"] / "portal.sqlite3"

    def heartbeat_recorded() -> bool:
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT count(*) FROM core_workerheartbeat").fetchone()[0] > 0

    wait_until(heartbeat_recorded, timeout=90, what="heartbeat from beat through the worker")
    assert b"filesystem://" in embedded_portal["log"].read_bytes()


def signed_in_opener(url: str, email: str):
    """A cookie-keeping HTTP client signed in through the login form, as a browser would."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/accounts/login/", timeout=10) as reply:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', reply.read()).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.decode(), "username": email, "password": DEMO_PASSWORD}
    ).encode()
    opener.open(urllib.request.Request(f"{url}/accounts/login/", data=form), timeout=10).close()
    return opener


def test_reminders_and_digests_land_in_the_readable_mailbox(embedded_portal):
    """`make run` sends last week's digests (demo data) and today's reminders: they are written
    to var/mail/, and the platform admin reads them at /dev/mailbox/ (nobody else can)."""
    mail_dir = embedded_portal["var"] / "mail"

    def reminders_written() -> bool:
        return any(b"is due" in path.read_bytes() for path in mail_dir.glob("*.log"))

    wait_until(reminders_written, timeout=120, what="reminders written by the worker")
    url = embedded_portal["url"]
    with signed_in_opener(url, PLATFORM_ADMIN_EMAIL).open(f"{url}/dev/mailbox/") as reply:
        page = reply.read().decode()
    assert "is due" in page and "student" in page
    assert "week at Riverside Academy" in page and "parent" in page
    key = re.search(r'href="/dev/mailbox/([^"/]+)/"', page).group(1)
    with signed_in_opener(url, PLATFORM_ADMIN_EMAIL).open(f"{url}/dev/mailbox/{key}/") as reply:
        assert b"Plain-text part" in reply.read()
    parent = signed_in_opener(url, "parent1@riverside.example")
    with pytest.raises(urllib.error.HTTPError) as refused:
        parent.open(f"{url}/dev/mailbox/")
    assert refused.value.code == 404


def test_system_status_shows_what_embedded_mode_does_not_use(embedded_portal):
    url = embedded_portal["url"]
    opener = signed_in_opener(url, PLATFORM_ADMIN_EMAIL)
    with opener.open(f"{url}/admin/status/") as reply:
        page = reply.read().decode()
    assert "Not used in embedded mode" in page and "SQLite" in page
    with opener.open(f"{url}/admin/status/json/") as reply:
        sections = json.loads(reply.read())["sections"]
    assert sections["database"]["values"]["vendor"] == "sqlite"
    assert sections["database"]["values"]["size_bytes"] > 0
    assert sections["redis"]["state"] == "not_used"
    assert sections["celery"]["values"]["queue_length"] is None


def test_the_api_reads_on_sqlite(embedded_portal):
    """The API's lists read through expressions SQLite spells its own way (the files handed in
    come as a JSON aggregate in the submissions list): each row is the submission as retrieved."""
    url = embedded_portal["url"]

    def call(path: str, token: str = "", body: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body else None
        request = urllib.request.Request(url + path, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())

    sign_in = {"email": "teacher1@riverside.example", "password": DEMO_PASSWORD}
    token = call("/api/v1/auth/token/", body=sign_in)["access"]
    rows = call("/api/v1/submissions/?page_size=200", token)["results"]
    assert any(row["files"] for row in rows), "the demo data hands in files"
    for row in rows:
        assert row == call(f"/api/v1/submissions/{row['id']}/", token)
