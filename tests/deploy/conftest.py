"""The native stack (`make stack`: nginx, 2 gunicorn, 2 daphne, Celery worker and beat), started
once per test session by the same script, on free ports, with its own database and role."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.processes import ROOT, free_port, wait_until

STACK_DATABASE = "sp_stack_test"
STACK_ROLE = "sp_stack_test_app"
STARTUP_SECONDS = 180
# Django's per-address sign-in limit, below nginx's burst (10), so a test can see Django's own
# limit trip through nginx; the session's other sign-ins from 127.0.0.1 stay well under it.
LOGIN_IP_RATE = "6/minute"


@dataclass(frozen=True)
class LiveStack:
    dir: Path
    https_port: int
    http_port: int
    web_ports: tuple[int, ...]
    asgi_ports: tuple[int, ...]
    env: dict[str, str]
    log: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def certificate(self) -> str:
        return str(self.dir / "tls" / "cert.pem")

    @property
    def access_log(self) -> Path:
        return self.dir / "logs" / "nginx-access.log"

    @property
    def database_url(self) -> str:
        password = (self.dir / "secrets" / f"db-{STACK_ROLE}").read_text().strip()
        return f"postgres://{STACK_ROLE}:{password}@127.0.0.1:5432/{STACK_DATABASE}"


def _postgres_admin_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"


def _answers(url: str, **kwargs) -> bool:
    return requests.get(url, timeout=2, allow_redirects=False, **kwargs).status_code == 200


@pytest.fixture(scope="session")
def live_stack(mail_sink):
    from django.conf import settings

    directory = Path(tempfile.mkdtemp(prefix="sp-stack-test-"))
    prefix = f"sp-stack-test-{os.getpid()}"
    stack = LiveStack(
        dir=directory,
        https_port=free_port(),
        http_port=free_port(),
        web_ports=(free_port(), free_port()),
        asgi_ports=(free_port(), free_port()),
        env={
            "STACK_DIR": str(directory),
            "STACK_DATABASE": STACK_DATABASE,
            "STACK_DB_ROLE": STACK_ROLE,
            "STACK_POSTGRES_URL": _postgres_admin_url(),
            "STACK_REDIS_URL": settings.REDIS_URL,
            "STACK_REDIS_PREFIX": prefix,
            "STACK_EMAIL_URL": mail_sink.url,
            "STACK_FRESH": "1",
        },
        log=directory / "stack.log",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        stack.env,
        STACK_HTTPS_PORT=str(stack.https_port),
        STACK_HTTP_PORT=str(stack.http_port),
        STACK_WEB_PORTS=",".join(map(str, stack.web_ports)),
        STACK_ASGI_PORTS=",".join(map(str, stack.asgi_ports)),
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        CELERY_CONCURRENCY="2",
        API_LOGIN_IP_RATE=LOGIN_IP_RATE,
    )
    command = [sys.executable, "deploy/stack/stack.py", "--scale", "2"]
    with stack.log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for_stack(stack, proc)
        yield stack
    finally:
        _stop(proc)
        _forget(stack, prefix)


def _wait_for_stack(stack: LiveStack, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    try:
        wait_until(
            lambda: _answers(f"{stack.url}/readyz", verify=stack.certificate),
            timeout=remaining(),
            what="the stack through nginx",
            proc=proc,
        )
        for port in (*stack.web_ports, *stack.asgi_ports):
            wait_until(
                lambda port=port: _answers(f"http://127.0.0.1:{port}/healthz"),
                timeout=remaining(),
                what=f"the process on port {port}",
                proc=proc,
            )
        wait_until(
            lambda: b" ready." in stack.log.read_bytes(),
            timeout=remaining(),
            what="the Celery worker",
            proc=proc,
        )
    except (TimeoutError, RuntimeError) as error:
        tail = stack.log.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"{error}\n--- stack log (end) ---\n{tail}") from error


def _stop(proc: subprocess.Popen) -> None:
    """Honcho stops its processes on SIGTERM; anything left in the group is killed."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            time.sleep(0.5)  # children of honcho may still be on their way out
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _forget(stack: LiveStack, prefix: str) -> None:
    """Drop the stack's database, role, Redis keys and folder."""
    import psycopg
    from django.conf import settings
    from psycopg import sql
    from redis import Redis

    with psycopg.connect(_postgres_admin_url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(STACK_DATABASE)
            )
        )
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(STACK_ROLE)))
    redis = Redis.from_url(settings.REDIS_URL)
    keys = list(redis.scan_iter(f"*{prefix}*", count=1000))
    if keys:
        redis.delete(*keys)
    shutil.rmtree(stack.dir, ignore_errors=True)
