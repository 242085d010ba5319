"""Roster imports: upload, check (the dry run), confirm (the import itself), and forget.

Checking and importing run the same writer in one database transaction: a check always rolls
back, so its preview is exactly what the import will do; an import commits only when the whole
file is free of problems. Files over BACKGROUND_ROWS rows run in a Celery task, and so does every
OneRoster bundle: the web process reads no more of a zip than its directory.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Centre, Role
from portal.centres.services import ensure_manages
from portal.rosters.models import RosterImport
from portal.rosters.oneroster import Bundle, OneRosterReader, bundle_check
from portal.rosters.parsing import RosterFileError, count_rows, read_table
from portal.rosters.records import RowError, read_classes, read_people
from portal.rosters.report import Report
from portal.rosters.writer import RosterWriter

logger = logging.getLogger(__name__)
BACKGROUND_ROWS = 1000
Progress = Callable[[int], None]
Status = RosterImport.Status


def _no_progress(percent: int) -> None:
    """Inline runs have nobody watching a progress bar."""


@transaction.atomic
def roster_import_upload(
    *,
    centre: Centre,
    kind: str,
    upload: UploadedFile,
    mode: str = RosterImport.Mode.UPDATE,
    create_missing_classes: bool = False,
    oneroster_school: str = "",
    by: User | None,
) -> RosterImport:
    """Keep an uploaded roster privately and check it: now if small, else in the background."""
    ensure_manages(by=by, centre=centre)
    if kind == RosterImport.Kind.CLASSES and mode == RosterImport.Mode.MIRROR:
        raise ValidationError({"mode": "Mirror mode is for people; a class list only adds."})
    roster_import = RosterImport(
        centre=centre,
        kind=kind,
        mode=mode,
        create_missing_classes=create_missing_classes,
        oneroster_school=oneroster_school.strip(),
        original_name=upload.name or "",
        created_by=by,
    )
    roster_import.source_file.save(upload.name or "roster", upload, save=False)
    roster_import.full_clean()
    with roster_import.source_file.open("rb") as stream:
        try:
            if kind == RosterImport.Kind.ONEROSTER:
                bundle_check(stream)  # the worker unpacks and counts it
            else:
                roster_import.row_count = count_rows(stream)
        except RosterFileError as error:
            roster_import.save()
            return _finish(roster_import, _file_problem(error), status=Status.INVALID)
    roster_import.save()
    if _for_a_worker(roster_import):
        _in_background(roster_import)
        return roster_import
    return roster_import_dry_run(roster_import=roster_import)


def roster_import_dry_run(
    *, roster_import: RosterImport, on_progress: Progress = _no_progress
) -> RosterImport:
    """Check the file and preview every change; writes nothing."""
    try:
        with transaction.atomic():
            report = _run(roster_import, on_progress)
            transaction.set_rollback(True)
    except Exception:
        return _failed(roster_import, "checking")
    status = Status.INVALID if report.errors else Status.READY
    return _finish(roster_import, report, status=status, checked_at=timezone.now())


@transaction.atomic
def roster_import_confirm(*, roster_import: RosterImport, by: User | None) -> RosterImport:
    """Import a checked file: now if small, else in the background (the admin may leave)."""
    ensure_manages(by=by, centre=roster_import.centre)
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != Status.READY:
        raise ValidationError(
            f"This import is “{roster_import.get_status_display()}”; only a checked file "
            "without problems can be imported."
        )
    roster_import.status = Status.IMPORTING
    roster_import.progress = 0
    roster_import.save(update_fields=["status", "progress"])
    if _for_a_worker(roster_import):
        _in_background(roster_import)
        return roster_import
    return roster_import_apply(roster_import=roster_import)


def roster_import_apply(
    *, roster_import: RosterImport, on_progress: Progress = _no_progress
) -> RosterImport:
    """Write the whole file in one transaction: everything, or (on any problem) nothing."""
    try:
        with transaction.atomic():
            report = _run(roster_import, on_progress)
            if report.errors:  # the centre changed since the check; keep it as it is
                transaction.set_rollback(True)
    except Exception:
        return _failed(roster_import, "importing")
    if report.errors:
        return _finish(roster_import, report, status=Status.INVALID)
    return _finish(roster_import, report, status=Status.DONE, imported_at=timezone.now())


def roster_import_delete(*, roster_import: RosterImport, by: User | None) -> None:
    """Forget an import and its uploaded file (people it imported stay)."""
    ensure_manages(by=by, centre=roster_import.centre)
    roster_import.source_file.delete(save=False)
    roster_import.delete()


def _run(roster_import: RosterImport, on_progress: Progress) -> Report:
    report = Report()
    done = [0, -1]  # rows, last percent sent

    def on_rows(rows: int) -> None:
        done[0] += rows
        percent = min(99, done[0] * 100 // max(roster_import.row_count, 1))
        if percent != done[1]:
            done[1] = percent
            on_progress(percent)

    writer = RosterWriter(
        centre=roster_import.centre,
        mirror=roster_import.mode == RosterImport.Mode.MIRROR,
        create_missing_classes=roster_import.create_missing_classes,
        report=report,
        on_rows=on_rows,
    )
    with writer, roster_import.source_file.open("rb") as stream:
        try:
            _write(roster_import, stream, writer)
        except RosterFileError as error:
            report.error(_file_error(error))
    if not report.rows and not report.errors:
        report.error(RowError(0, "", "The file has a header but no rows under it."))
    return report


def _write(roster_import: RosterImport, stream, writer: RosterWriter) -> None:
    kind = roster_import.kind
    if kind == RosterImport.Kind.ONEROSTER:
        with Bundle(stream) as bundle:
            reader = OneRosterReader(bundle, school=roster_import.oneroster_school)
            classes = reader.classes()
            teachers, students = reader.people()
        # Only now, in the worker, are a bundle's rows known: the progress bar counts them.
        roster_import.row_count = len(classes) + len(teachers) + len(students)
        for error in reader.errors:
            writer.report.error(error)
        writer.write_classes(classes)
        writer.write_people(Role.TEACHER, teachers)
        writer.write_people(Role.STUDENT, students)
    elif kind == RosterImport.Kind.CLASSES:
        writer.write_classes(read_classes(read_table(stream)))
    else:
        role = Role.STUDENT if kind == RosterImport.Kind.STUDENTS else Role.TEACHER
        writer.write_people(role, read_people(read_table(stream), kind))


def _file_error(error: RosterFileError) -> RowError:
    return RowError(error.row, error.column, str(error), error.value, error.sheet)


def _file_problem(error: RosterFileError) -> Report:
    report = Report()
    report.error(_file_error(error))
    return report


def _finish(roster_import: RosterImport, report: Report, *, status: str, **times) -> RosterImport:
    roster_import.status = status
    roster_import.progress = 100
    roster_import.row_count = report.rows or roster_import.row_count
    roster_import.counts = report.as_counts()
    roster_import.changes = report.sorted_changes()
    roster_import.row_errors = report.sorted_errors()
    for name, value in times.items():
        setattr(roster_import, name, value)
    roster_import.save()
    return roster_import


def _failed(roster_import: RosterImport, doing: str) -> RosterImport:
    logger.exception("Roster import %s failed while %s", roster_import.pk, doing)
    report = Report()
    report.error(
        RowError(0, "", f"Something went wrong while {doing}; nothing was written. Try again.")
    )
    return _finish(roster_import, report, status=Status.FAILED)


def _for_a_worker(roster_import: RosterImport) -> bool:
    """Long files, so nobody waits on the page; bundles, so only a worker ever unpacks a zip
    (its directory is checked first, but a zip's cost shows only once it is unpacked)."""
    return (
        roster_import.kind == RosterImport.Kind.ONEROSTER
        or roster_import.row_count > BACKGROUND_ROWS
    )


def _in_background(roster_import: RosterImport) -> None:
    """Hand the import to a worker once this transaction commits; its status says what to do."""
    from portal.rosters.tasks import roster_import_run

    roster_import.task_id = str(uuid.uuid4())
    roster_import.save(update_fields=["task_id"])
    transaction.on_commit(
        lambda: roster_import_run.apply_async(
            args=[roster_import.pk], task_id=roster_import.task_id
        )
    )
