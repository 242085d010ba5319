"""The system status page's readings: the seed's monitoring points, each with a plain verdict.

Every section is read independently and never raises: a service that does not answer is itself
the finding ("Redis does not answer"). Embedded mode (SQLite, no Redis, folder broker) shows the
parts it does not use as such.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.timesince import timesince

from portal.core.models import WorkerHeartbeat
from portal.schedules.models import JobRun
from portal.schedules.selectors import schedule_rows

#: A worker is alive if it ran the every-minute heartbeat job this recently.
WORKER_SEEN_WITHIN = dt.timedelta(minutes=3)
#: The backup runs daily at 2 AM; a couple of hours' slack before it counts as missed.
BACKUP_MAX_AGE = dt.timedelta(hours=26)
#: A scheduled job still "running" after this long has most likely died with its worker.
JOB_STUCK_AFTER = dt.timedelta(hours=1)
QUEUE_BUSY, QUEUE_STUCK = 100, 1000
EMBEDDED = "Not used in embedded mode"


class State(StrEnum):
    OK = "ok"
    ATTENTION = "attention"
    PROBLEM = "problem"
    NOT_USED = "not_used"

    @property
    def verdict(self) -> str:
        return VERDICTS[self]


VERDICTS = {
    State.OK: "Healthy",
    State.ATTENTION: "Needs attention",
    State.PROBLEM: "Needs action now",
    State.NOT_USED: EMBEDDED,
}
_SEVERITY = [State.NOT_USED, State.OK, State.ATTENTION, State.PROBLEM]


@dataclass
class Section:
    """One monitoring point: a verdict, a sentence saying why, and readings for people and tools.

    `facts` are (label, text) pairs for the page; `values` are the raw numbers for /json/.
    """

    key: str
    title: str
    state: State = State.OK
    summary: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return self.state.verdict

    def worse(self, state: State, summary: str) -> None:
        """Lower the verdict to `state` (never raise it back) and say why."""
        if _SEVERITY.index(state) > _SEVERITY.index(self.state):
            self.state, self.summary = state, summary

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "state": self.state.value,
            "verdict": self.verdict,
            "summary": self.summary,
            "values": self.values,
            **({"rows": self.rows} if self.rows else {}),
        }


def size_text(size: int | None) -> str:
    if size is None:
        return "unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _failed(section: Section, what: str, error: Exception) -> Section:
    section.state = State.PROBLEM
    section.summary = f"{what} does not answer ({error.__class__.__name__})."
    return section


# DATABASE
# ------------------------------------------------------------------------------
_POSTGRES_READINGS = """
    SELECT
        (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
        current_setting('max_connections')::int,
        pg_database_size(current_database()),
        (SELECT blks_hit::float / nullif(blks_hit + blks_read, 0)
           FROM pg_stat_database WHERE datname = current_database()),
        (SELECT coalesce(extract(epoch FROM max(now() - query_start)), 0)
           FROM pg_stat_activity
          WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid())
"""


def database_status() -> Section:
    section = Section("database", "Database (PostgreSQL)")
    if connection.vendor != "postgresql":
        section.state = State.NOT_USED
        section.summary = "Embedded mode keeps its data in one SQLite file."
        name = Path(str(connection.settings_dict["NAME"]))
        size = name.stat().st_size if name.is_file() else None
        section.facts = [("Connections", EMBEDDED), ("Database size", size_text(size))]
        section.values = {"vendor": connection.vendor, "size_bytes": size}
        return section
    try:
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_READINGS)
            in_use, max_connections, size, memory_hits, slowest = cursor.fetchone()
    except Exception as error:  # the page reports a broken database, it does not fail with it
        return _failed(section, "The database", error)
    used = percent(in_use, max_connections)
    section.summary = f"{in_use} of {max_connections} connections in use."
    section.facts = [
        ("Connections in use", f"{in_use} of {max_connections} allowed ({used}%)"),
        ("Database size", size_text(size)),
        (
            "Reads served from memory",
            "not measured yet" if memory_hits is None else f"{100 * memory_hits:.1f}%",
        ),
        ("Longest query running now", f"{slowest:.1f} seconds"),
    ]
    section.values = {
        "connections_in_use": in_use,
        "max_connections": max_connections,
        "size_bytes": size,
        "memory_hit_ratio": memory_hits,
        "longest_running_query_seconds": float(slowest),
    }
    if used >= 90:
        section.worse(State.PROBLEM, "Almost no database connections left: pages will fail.")
    elif used >= 75:
        section.worse(State.ATTENTION, "Database connections are running short.")
    if slowest >= 60:
        section.worse(State.ATTENTION, f"A query has been running for {slowest:.0f} seconds.")
    return section


# REDIS
# ------------------------------------------------------------------------------
def redis_in_use() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def redis_status() -> Section:
    section = Section("redis", "Cache and queue store (Redis)")
    if not redis_in_use():
        section.state = State.NOT_USED
        section.summary = "Embedded mode keeps its cache in memory and has no Redis."
        return section
    from django_redis import get_redis_connection

    try:
        info = get_redis_connection("default").info()
    except Exception as error:
        return _failed(section, "Redis", error)
    used, limit = info["used_memory"], info.get("maxmemory", 0)
    hits, misses = info.get("keyspace_hits", 0), info.get("keyspace_misses", 0)
    hit_ratio = percent(hits, hits + misses)
    used_share = percent(used, limit)
    section.summary = f"Using {size_text(used)}" + (
        f" of {size_text(limit)} allowed." if limit else " (no memory limit set)."
    )
    section.facts = [
        (
            "Memory used",
            f"{size_text(used)} of {size_text(limit)} ({used_share}%)"
            if limit
            else f"{size_text(used)} (no limit set)",
        ),
        (
            "Cache hit ratio",
            "no lookups yet"
            if hit_ratio is None
            else f"{hit_ratio}% of {hits + misses:,} lookups found what they looked for",
        ),
        ("Connected clients", str(info.get("connected_clients", 0))),
    ]
    section.values = {
        "used_memory_bytes": used,
        "maxmemory_bytes": limit,
        "keyspace_hits": hits,
        "keyspace_misses": misses,
        "hit_ratio_percent": hit_ratio,
        "connected_clients": info.get("connected_clients", 0),
    }
    if used_share is not None and used_share >= 90:
        section.worse(State.PROBLEM, "Redis is almost out of memory.")
    elif used_share is not None and used_share >= 75:
        section.worse(State.ATTENTION, "Redis memory is filling up.")
    return section


# CELERY
# ------------------------------------------------------------------------------
def queue_length() -> int | None:
    """Tasks waiting in the default queue of a Redis broker; None for other brokers."""
    broker = settings.CELERY_BROKER_URL or ""
    if not broker.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)
    try:
        return client.llen(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"))
    finally:
        client.close()


def celery_status() -> Section:
    section = Section("celery", "Background jobs (Celery)")
    since = timezone.now() - WORKER_SEEN_WITHIN
    workers = list(WorkerHeartbeat.objects.filter(last_seen_at__gte=since).order_by("hostname"))
    try:
        waiting = queue_length()
    except Exception as error:
        return _failed(section, "The queue (Redis)", error)
    section.summary = f"{len(workers)} worker(s) alive" + (
        "." if waiting is None else f", {waiting} task(s) waiting."
    )
    section.facts = [
        ("Tasks waiting", EMBEDDED if waiting is None else str(waiting)),
        ("Workers alive (seen in the last 3 minutes)", str(len(workers))),
        ("Active workers", ", ".join(worker.hostname for worker in workers) or "none"),
    ]
    section.values = {
        "queue_length": waiting,
        "workers_alive": len(workers),
        "hosts": [worker.hostname for worker in workers],
    }
    if not workers:
        section.worse(
            State.PROBLEM,
            "No worker has been seen for 3 minutes: e-mails, reports and reminders are not going "
            "out.",
        )
    if waiting is not None and waiting >= QUEUE_STUCK:
        section.worse(State.PROBLEM, f"{waiting} tasks are waiting: the workers cannot keep up.")
    elif waiting is not None and waiting >= QUEUE_BUSY:
        section.worse(State.ATTENTION, f"{waiting} tasks are waiting: the workers are behind.")
    return section


# SCHEDULED JOBS
# ------------------------------------------------------------------------------
def jobs_status() -> Section:
    section = Section("jobs", "Scheduled jobs")
    now = timezone.now()
    failed = stuck = 0
    for row in schedule_rows():
        run = row.last_run
        if run and run.status == JobRun.Status.FAILED:
            failed += 1
        elif run and run.status == JobRun.Status.RUNNING and now - run.started_at > JOB_STUCK_AFTER:
            stuck += 1
        section.rows.append(
            {
                "job": str(row.spec.job.label),
                "centre": str(row.centre) if row.centre else "Whole platform",
                "enabled": row.task.enabled,
                "when": row.when,
                "last_run_at": run.started_at.isoformat() if run else None,
                "last_run_ago": timesince(run.started_at, now) if run else None,
                "outcome": run.get_status_display() if run else "Not run yet",
                "failed": bool(run and run.status == JobRun.Status.FAILED),
                "error": run.error if run else "",
            }
        )
    section.summary = f"{len(section.rows)} scheduled job(s); no failures in their last runs."
    section.values = {"jobs": len(section.rows), "failed": failed, "stuck": stuck}
    if stuck:
        section.worse(State.ATTENTION, f"{stuck} job(s) started over an hour ago and never ended.")
    if failed:
        section.worse(State.ATTENTION, f"{failed} job(s) failed their last run.")
    return section


# BACKUPS
# ------------------------------------------------------------------------------
def latest_backup(folder: Path) -> Path | None:
    """The newest `backup_YYYYMMDD.sql.gz` (by date in the name, then modification time)."""
    if not folder.is_dir():
        return None
    found = sorted(folder.glob("backup_*.sql.gz"), key=lambda p: (p.name, p.stat().st_mtime))
    return found[-1] if found else None


def backup_status() -> Section:
    section = Section("backup", "Backups")
    folder = Path(settings.BACKUP_DIR)
    newest = latest_backup(folder)
    if newest is None:
        section.state = State.PROBLEM
        section.summary = "No backup yet."
        section.facts = [("Backup folder", str(folder))]
        section.values = {"folder": str(folder), "latest": None}
        return section
    stat = newest.stat()
    taken = dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC)
    age = timezone.now() - taken
    media = newest.with_name(newest.name.replace("backup_", "media_").replace(".sql.gz", ".tar.gz"))
    section.summary = f"The latest backup was taken {timesince(taken)} ago."
    section.facts = [
        ("Latest database backup", f"{newest.name}, {size_text(stat.st_size)}"),
        ("Taken", f"{timezone.localtime(taken):%a %d %b %Y, %H:%M} ({timesince(taken)} ago)"),
        (
            "Uploaded files",
            f"{media.name}, {size_text(media.stat().st_size)}" if media.exists() else "missing",
        ),
        ("Backup folder", str(folder)),
    ]
    section.values = {
        "folder": str(folder),
        "latest": newest.name,
        "size_bytes": stat.st_size,
        "age_seconds": int(age.total_seconds()),
        "media_archive": media.name if media.exists() else None,
    }
    if age > BACKUP_MAX_AGE:
        section.worse(
            State.PROBLEM, f"No backup for {timesince(taken)}: the nightly backup is not running."
        )
    elif not media.exists():
        section.worse(State.ATTENTION, "The uploaded files were not backed up with the database.")
    return section


# SERVER
# ------------------------------------------------------------------------------
def _memory_available() -> tuple[int, int] | None:
    """(available, total) bytes from /proc/meminfo, or None where there is none."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return None
    fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in lines if ":" in line}
    if "MemAvailable" not in fields:
        return None
    return fields["MemAvailable"], fields["MemTotal"]


def server_status() -> Section:
    section = Section("server", "Server (disk, memory, processor)")
    media = Path(settings.MEDIA_ROOT)
    disk = shutil.disk_usage(media if media.exists() else settings.BASE_DIR)
    free_disk = percent(disk.free, disk.total)
    cpus = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    memory = _memory_available()
    free_memory = percent(*memory) if memory else None
    section.summary = f"{free_disk}% of the disk is free."
    section.facts = [
        ("Free disk space", f"{size_text(disk.free)} of {size_text(disk.total)} ({free_disk}%)"),
        (
            "Free memory",
            f"{size_text(memory[0])} of {size_text(memory[1])} ({free_memory}%)"
            if memory
            else "unknown",
        ),
        (
            "Processor load (last minute)",
            "unknown" if load is None else f"{load:.2f} for {cpus} processor(s)",
        ),
    ]
    section.values = {
        "disk_free_bytes": disk.free,
        "disk_total_bytes": disk.total,
        "memory_available_bytes": memory[0] if memory else None,
        "memory_total_bytes": memory[1] if memory else None,
        "load_1m": load,
        "cpus": cpus,
    }
    if free_disk < 10:
        section.worse(State.PROBLEM, "The disk is almost full: uploads and backups will fail.")
    elif free_disk < 20:
        section.worse(State.ATTENTION, "The disk is filling up.")
    if free_memory is not None and free_memory < 10:
        section.worse(State.ATTENTION, "The server is short of memory.")
    if load is not None and load > 2 * cpus:
        section.worse(State.ATTENTION, "The server's processors are overloaded.")
    return section


def system_status() -> list[Section]:
    """Every section of the status page, in the order a person reads them."""
    return [
        database_status(),
        redis_status(),
        celery_status(),
        jobs_status(),
        backup_status(),
        server_status(),
    ]


def overall(sections: list[Section]) -> State:
    return max((section.state for section in sections), key=_SEVERITY.index)
