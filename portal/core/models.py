"""Operational records shared by the whole platform (not owned by any centre)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """When each Celery worker last ran the heartbeat job; read by monitoring."""

    hostname = models.CharField(max_length=255, unique=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
