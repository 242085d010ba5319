"""A beat that schedules only while it holds a lock: two beats started by mistake send once.

The lock lives where the broker lives (Redis: a key with an expiry this beat keeps renewing),
or, in embedded mode, is an exclusive lock on a file. A second beat waits in standby and takes
over when the first stops renewing (it crashed, or was stopped), within `BEAT_LOCK_TTL` seconds.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisBeatLock:
    def __init__(self, url: str, key: str, ttl: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.key, self.ttl = key, ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def hold(self) -> bool:
        """Take the lock, or keep it for another `ttl`; False while someone else holds it."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.owner, int(self.ttl * 1000)))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.owner)


class FileBeatLock:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("a")
        self.held = False

    def hold(self) -> bool:
        if not self.held:
            try:
                fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.held = True
            except BlockingIOError:
                pass
        return self.held

    def release(self) -> None:
        if self.held:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.held = False


def beat_lock():
    ttl = settings.BEAT_LOCK_TTL
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return RedisBeatLock(settings.CELERY_BROKER_URL, f"{settings.REDIS_PREFIX}:beat-lock", ttl)
    return FileBeatLock(Path(settings.BEAT_LOCK_FILE))


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's database scheduler, ticking only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self._lock = beat_lock()
        self._holding: bool | None = None  # unknown: the first tick says which it is
        super().__init__(*args, **kwargs)

    def _get_crontab_exclude_query(self):
        """Leave no crontab task out. django-celery-beat skips those whose hour is more than two
        hours from now, so a 9:00 run missed while beat was down would never catch up; our
        schedule is a few rows per centre, cheap to consider every tick."""
        return Q(pk__in=[])

    def tick(self, *args, **kwargs) -> float:
        holding = self._lock.hold()
        if holding != self._holding:
            logger.warning(
                "Beat lock %s: %s",
                "taken" if holding else "held by another beat",
                "scheduling" if holding else "standing by",
            )
            self._holding = holding
        if not holding:
            return settings.BEAT_LOCK_TTL / 3
        # Wake often enough to renew the lock before it runs out.
        return min(super().tick(*args, **kwargs), settings.BEAT_LOCK_TTL / 3)

    def close(self) -> None:
        super().close()
        if self._holding:
            self._lock.release()
            self._holding = False
