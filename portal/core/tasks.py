"""Platform housekeeping tasks."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from portal.core.models import WorkerHeartbeat


@shared_task(name="core.worker_heartbeat")
def worker_heartbeat(hostname: str | None = None) -> str:
    """Record that a worker is alive; idempotent (one row per worker, last time wins)."""
    hostname = hostname or worker_heartbeat.request.hostname or "unknown"
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"last_seen_at": timezone.now()}
    )
    return hostname
