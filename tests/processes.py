"""Real processes for tests that cross process boundaries: daphne and Celery workers.

They run with the test settings against the test database and the test Redis database, so
what a test sees is what production does, minus nginx.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(**extra: str) -> dict[str, str]:
    """Environment for a child process that uses the same (test) database and Redis."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout}s")


@contextmanager
def running(cmd: list[str], *, env: dict[str, str], log: Path):
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@contextmanager
def daphne(log_dir: Path):
    port = free_port()
    cmd = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"]
    with running(cmd, env=process_env(), log=log_dir / f"daphne-{port}.log") as proc:

        def healthy() -> bool:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                return reply.status == 200

        wait_until(healthy, timeout=30, what="daphne", proc=proc)
        yield f"127.0.0.1:{port}"


@contextmanager
def celery_worker(log_dir: Path, queue: str, **env: str):
    cmd = [
        str(BIN / "celery"),
        "-A",
        "portal",
        "worker",
        "--pool=solo",
        "--loglevel=info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        f"{queue}-{free_port()}@%h",
    ]
    log = log_dir / f"worker-{queue}-{free_port()}.log"
    with running(cmd, env=process_env(**env), log=log) as proc:
        wait_until(
            lambda: b"ready." in log.read_bytes(), timeout=60, what="celery worker", proc=proc
        )
        yield proc


@contextmanager
def celery_beat(log_dir: Path, **env: str):
    """A real `celery beat` on the database scheduler (behind its lock); yields (process, log)."""
    cmd = [str(BIN / "celery"), "-A", "portal", "beat", "--loglevel=info", "--pidfile="]
    log = log_dir / f"beat-{free_port()}.log"
    with running(cmd, env=process_env(**env), log=log) as proc:
        wait_until(
            lambda: b"beat: Starting" in log.read_bytes(), timeout=60, what="celery beat", proc=proc
        )
        yield proc, log
