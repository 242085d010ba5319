"""Platform housekeeping tasks."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from portal.core.models import WorkerHeartbeat

#: How a task that sends e-mail retries when the mail server is away: with growing, jittered
#: waits for about an hour (`@shared_task(name=…, **MAIL_RETRY)`).
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(name="core.worker_heartbeat")
def worker_heartbeat(hostname: str | None = None) -> str:
    """Record that a worker is alive; idempotent (one row per worker, last time wins)."""
    hostname = hostname or worker_heartbeat.request.hostname or "unknown"
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"last_seen_at": timezone.now()}
    )
    return hostname
