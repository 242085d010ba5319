"""Files over BACKGROUND_ROWS rows: checked and imported by a real Celery worker, with progress."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.rosters import services
from portal.rosters.models import RosterImport
from portal.rosters.tasks import roster_import_run
from tests.rosters.conftest import csv_bytes, student_row

pytestmark = pytest.mark.django_db
ROWS = services.BACKGROUND_ROWS + 200
Status = RosterImport.Status


def big_roster() -> bytes:
    return csv_bytes([student_row(n, guardian1_email=f"carer{n}@bg.example") for n in range(ROWS)])


def test_large_upload_is_handed_to_a_worker(upload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        roster_import = upload(big_roster())
    assert roster_import.status == Status.CHECKING
    assert roster_import.row_count == ROWS
    assert roster_import.task_id and len(callbacks) == 1


def test_worker_checks_then_imports_and_runs_only_once(live_worker_queue, committed):
    def create() -> RosterImport:
        roster_import = RosterImport(
            centre=Centre.objects.get(slug="riverside"), kind="students", row_count=ROWS
        )
        roster_import.source_file.save("big.csv", ContentFile(big_roster()))
        return roster_import

    roster_import = committed(create)
    try:
        run = roster_import_run.apply_async(args=[roster_import.pk], queue=live_worker_queue)
        assert run.get(timeout=120) == Status.READY
        committed(
            lambda: RosterImport.objects.filter(pk=roster_import.pk).update(status=Status.IMPORTING)
        )
        run = roster_import_run.apply_async(args=[roster_import.pk], queue=live_worker_queue)
        assert run.get(timeout=120) == Status.DONE
        roster_import.refresh_from_db()
        assert roster_import.counts["students"] == {"new": ROWS}
        assert User.objects.filter(email__endswith="@families.example").count() == ROWS
        again = roster_import_run.apply_async(args=[roster_import.pk], queue=live_worker_queue)
        assert again.get(timeout=60) == Status.DONE
        assert User.objects.filter(email__endswith="@families.example").count() == ROWS
    finally:
        committed(lambda: cleanup(roster_import.pk))


def cleanup(pk: int) -> None:
    User.objects.filter(email__endswith="@families.example").delete()
    User.objects.filter(email__endswith="@bg.example").delete()
    for roster_import in RosterImport.objects.filter(pk=pk):
        roster_import.source_file.delete(save=False)
        roster_import.delete()
