"""Celery tasks for the weekly digest; thin wrappers over portal.digests.services."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from celery import shared_task

from portal.centres.models import Centre
from portal.core.tasks import MAIL_RETRY
from portal.digests import services


@shared_task(
    name="digests.send_week",
    **MAIL_RETRY,
)
def send_week(centre_id: int, week_start: str) -> dict[str, int]:
    """Build and e-mail a centre's digests of a week (ISO date of its Monday); idempotent."""
    centre = Centre.objects.get(pk=centre_id)
    summary = services.weekly_digests_send(
        centre=centre, week_start=dt.date.fromisoformat(week_start)
    )
    return asdict(summary)
