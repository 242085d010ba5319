"""Scheduled publishing, run by Celery beat every minute."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(name="publishing.publish_scheduled")
def publish_scheduled() -> None:
    """Publish homework and announcements whose go-live time has come, and unpublish expired
    ones; idempotent (an item already live is not published again)."""
    call_command("publish_scheduled")
