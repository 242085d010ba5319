"""The nightly clean-up removes what has expired, keeps what has not, and says how much."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from portal.core.private_files import private_storage
from portal.reports.models import ReportExport
from portal.rosters.models import RosterImport
from portal.schedules.cleanup import platform_cleanup

pytestmark = pytest.mark.django_db
NOW = timezone.now()
AGO = NOW - dt.timedelta(days=30)


def session(expires: dt.datetime) -> str:
    store = SessionStore()
    store["who"] = "someone"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=expires)
    return store.session_key


def token(person, expires: dt.datetime, *, blacklisted: bool = False) -> OutstandingToken:
    made = OutstandingToken.objects.create(
        user=person,
        jti=f"jti-{expires.timestamp()}-{blacklisted}",
        token="x",
        created_at=expires - dt.timedelta(days=1),
        expires_at=expires,
    )
    if blacklisted:
        BlacklistedToken.objects.create(token=made)
    return made


def test_cleanup_removes_only_what_has_expired_and_reports_it(riverside, person):
    admin = person("admin@riverside.example")
    old_session, live_session = session(AGO), session(NOW + dt.timedelta(days=1))
    token(admin, AGO), token(admin, AGO, blacklisted=True)
    current = token(admin, NOW + dt.timedelta(hours=1), blacklisted=True)

    report = ReportExport.objects.create(
        centre=riverside,
        requested_by=admin,
        kind=ReportExport.Kind.GRADES,
        status=ReportExport.Status.DONE,
        finished_at=AGO,
        expires_at=AGO,
    )
    report.file.name = private_storage.save(
        f"reports/{report.storage_key}/grades.csv", ContentFile(b"a,b")
    )
    report.save()
    report_path = report.file.path

    stale = RosterImport.objects.create(
        centre=riverside,
        kind=RosterImport.Kind.STUDENTS,
        status=RosterImport.Status.READY,
    )
    stale.source_file.save("roster.csv", ContentFile(b"student_id\n"))
    RosterImport.objects.filter(pk=stale.pk).update(created_at=AGO)
    fresh = RosterImport.objects.create(
        centre=riverside,
        kind=RosterImport.Kind.STUDENTS,
        status=RosterImport.Status.READY,
    )
    fresh.source_file.save("roster.csv", ContentFile(b"student_id\n"))

    removed = platform_cleanup(now=NOW)

    assert removed["sessions"] >= 1 and removed["tokens"] >= 2
    assert removed["report_files"] == 1 and removed["roster_uploads"] >= 1
    assert not Session.objects.filter(pk=old_session).exists()
    assert Session.objects.filter(pk=live_session).exists()
    assert list(OutstandingToken.objects.filter(expires_at__lt=NOW)) == []
    assert BlacklistedToken.objects.filter(token=current).exists()  # still refused until expiry
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert not stale.source_file and stale.status == RosterImport.Status.READY
    assert fresh.source_file
    assert not os.path.exists(report_path)
    again = platform_cleanup(now=NOW)
    assert again["report_files"] == 0 and again["roster_uploads"] == 0 and again["tokens"] == 0
