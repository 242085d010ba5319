"""`make run`'s embedded mode: SQLite, no Redis, and background jobs that really run.

Starts the same Procfile `make run` starts (daphne, Celery worker and beat under honcho) on a
temporary folder, and checks the portal answers and beat's heartbeat job reaches the worker.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import urllib.request

import pytest

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
    for command in (["migrate", "--noinput"], ["seed_demo"]):
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
