"""The nightly clean-up: what has expired is removed, and the run says how much."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from portal.rosters.models import RosterImport

#: Uploads of roster imports never confirmed are kept this long for the admin to come back to.
STALE_IMPORT_AFTER = dt.timedelta(days=7)


def _stale_import_uploads(now: dt.datetime) -> int:
    """Files of imports checked but never imported; the record (and its report) stays."""
    unfinished = (
        RosterImport.objects.filter(created_at__lt=now - STALE_IMPORT_AFTER)
        .exclude(status__in=[RosterImport.Status.DONE, RosterImport.Status.IMPORTING])
        .exclude(source_file="")
    )
    removed = 0
    for upload in unfinished.only("pk", "source_file").iterator():
        upload.source_file.delete(save=False)
        RosterImport.objects.filter(pk=upload.pk).update(source_file="")
        removed += 1
    return removed


def platform_cleanup(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove expired sessions, expired (and so also blacklisted) refresh tokens, expired
    report files and stale roster uploads; returns how many of each."""
    from portal.reports.services import exports_expire

    now = now or timezone.now()
    with transaction.atomic():
        sessions = Session.objects.filter(expire_date__lt=now).delete()[0]
        # Other session stores (Redis in production) expire their own keys; files need this.
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        # Deleting an outstanding token deletes its blacklist entry: an expired token is
        # refused for its expiry alone, so the blacklist need not remember it.
        _, deleted = OutstandingToken.objects.filter(expires_at__lt=now).delete()
        tokens = deleted.get(OutstandingToken._meta.label, 0)
    return {
        "sessions": sessions,
        "tokens": tokens,
        "report_files": exports_expire(now=now),
        "roster_uploads": _stale_import_uploads(now),
    }
