"""Demo digests: the last two weeks' digests of each demo centre, so the archive has some."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.centres.models import Centre
from portal.digests.models import Digest
from portal.digests.services import digests_build, weekly_digests_send


def seed_digests(centre: Centre) -> None:
    """Idempotent. The week before last is built like the Sunday job builds it and marked sent
    (Sunday 18:00 of its week) without e-mailing anyone; last week's is really sent, so
    `make run`'s mailbox (/dev/mailbox/) shows digests. The current week is left to the job."""
    today = timezone.localdate(timezone=centre.zone)
    this_monday = today - dt.timedelta(days=today.weekday())
    week_before_last = this_monday - dt.timedelta(weeks=2)
    digests_build(centre=centre, week_start=week_before_last)
    sunday_evening = dt.datetime.combine(
        week_before_last + dt.timedelta(days=6), dt.time(18), tzinfo=centre.zone
    )
    Digest.objects.filter(
        centre=centre, week_start=week_before_last, status=Digest.Status.PENDING
    ).update(status=Digest.Status.SENT, sent_at=sunday_evening)
    weekly_digests_send(centre=centre, week_start=this_monday - dt.timedelta(weeks=1))
