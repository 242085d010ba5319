"""Report exports: request one, build its file in the background, tell the requester, expire it.

A build streams rows from a few bulk queries into a temporary file (memory stays flat however
big the report), then keeps the file in private storage under a folder of its own. A run
empties that folder first, so a retried or redelivered build starts again and never leaves two
files. The download link in the e-mail works until `expires_at`; then the file is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.centres.services import ensure_manages
from portal.classes.models import SchoolClass
from portal.core.private_files import private_storage
from portal.notifications.mail import absolute_url, centre_sender
from portal.reports.models import ReportExport
from portal.reports.tables import TABLES
from portal.reports.writers import WRITERS

logger = logging.getLogger(__name__)
Status = ReportExport.Status
#: How long a finished report can be downloaded.
EXPORT_LIFETIME = dt.timedelta(days=7)


class ReportNotReady(Exception):
    """The report is still being made, or making it failed."""


class ReportExpired(Exception):
    """The report's download period is over and its file is gone."""


@transaction.atomic
def report_export_request(
    *,
    centre: Centre,
    kind: str,
    school_class: SchoolClass | None = None,
    format: str = ReportExport.Format.CSV,
    by: User | None,
) -> ReportExport:
    """Queue a report for a centre (or one of its classes); a worker builds it after commit."""
    ensure_manages(by=by, centre=centre)
    if school_class is not None and school_class.centre_id != centre.pk:
        raise ValidationError({"school_class": "Choose a class of this centre."})
    export = ReportExport(
        centre=centre, kind=kind, school_class=school_class, format=format, requested_by=by
    )
    export.full_clean()
    export.save()
    from portal.reports.tasks import build_export

    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def _folder(storage_key) -> str:
    return f"reports/{storage_key}"


def _empty_folder(storage_key, *, remove: bool = False) -> None:
    """Delete whatever earlier runs of this export left behind (and the folder, if `remove`)."""
    try:
        _folders, files = private_storage.listdir(_folder(storage_key))
    except FileNotFoundError:
        return
    for name in files:
        private_storage.delete(f"{_folder(storage_key)}/{name}")
    if remove:
        private_storage.delete(_folder(storage_key))


def report_export_build(*, export_id: int) -> ReportExport | None:
    """Write the report's file with progress; a finished (or failed) report is left alone.

    Each run claims the export with a token of its own; only the run holding the current token
    may report progress or finish, so a superseded run (a redelivered task racing the first)
    deletes its file instead of leaving a second one.
    """
    token = uuid.uuid4().hex
    mine = ReportExport.objects.filter(pk=export_id, run_token=token)
    claimed = ReportExport.objects.filter(
        pk=export_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.RUNNING, progress=0, row_count=0, error="", run_token=token)
    export = ReportExport.objects.select_related("centre").filter(pk=export_id).first()
    if not claimed or export is None:
        return export
    _empty_folder(export.storage_key)
    handle, path = tempfile.mkstemp(suffix=f".{export.format}")
    os.close(handle)
    try:
        rows = _write(export, path, progress=mine)
        with open(path, "rb") as written:
            name = private_storage.save(
                f"{_folder(export.storage_key)}/{token[:8]}-{export.download_name}", File(written)
            )
    except Exception as error:
        logger.exception("Report export %s failed", export_id)
        reason = " It took too long." if isinstance(error, SoftTimeLimitExceeded) else ""
        mine.update(
            status=Status.FAILED,
            error=f"The report could not be made.{reason} Please ask for it again.",
            finished_at=timezone.now(),
        )
        export.refresh_from_db()
        return export
    finally:
        os.unlink(path)
    now = timezone.now()
    finished = mine.filter(status=Status.RUNNING).update(
        status=Status.DONE,
        progress=100,
        row_count=rows,
        file=name,
        finished_at=now,
        expires_at=now + EXPORT_LIFETIME,
    )
    if not finished:  # superseded by another run, or deleted meanwhile
        private_storage.delete(name)
    return ReportExport.objects.filter(pk=export_id).first()


def _write(export: ReportExport, path: str, *, progress) -> int:
    """Stream the report into `path`; `progress` is the queryset whose percentage to update."""
    table = TABLES[export.kind](export)
    expected = max(table.expected_rows, 1)
    last = [0]

    def on_rows(rows: int) -> None:
        percent = min(99, rows * 100 // expected)
        if percent != last[0]:  # one cheap UPDATE per chunk at most
            last[0] = percent
            progress.update(progress=percent)

    return WRITERS[export.format](table, path, on_rows)


def report_export_notify(*, export_id: int) -> bool:
    """E-mail the requester that their report is ready (or failed), once; True if sent now.

    The row stays locked while the e-mail is sent: a retry after an SMTP error sends it then,
    and a second worker waits and then finds it already sent.
    """
    with transaction.atomic():
        export = (
            ReportExport.objects.select_for_update(of=("self",))
            .select_related("centre", "requested_by", "school_class")
            .filter(
                pk=export_id,
                status__in=[Status.DONE, Status.FAILED],
                notified_at__isnull=True,
                requested_by__isnull=False,
            )
            .first()
        )
        if export is None or not export.requested_by.email:
            return False
        _ready_message(export).send()
        export.notified_at = timezone.now()
        export.save(update_fields=["notified_at"])
    return True


def _ready_message(export: ReportExport) -> EmailMultiAlternatives:
    centre = export.centre
    context = {
        "export": export,
        "centre": centre,
        "recipient": export.requested_by,
        "download_url": absolute_url(reverse("report_exports:download", args=[export.pk])),
        "reports_url": absolute_url(reverse("report_exports:index")),
    }
    template = "reports/email/export_ready"
    message = EmailMultiAlternatives(
        subject=render_to_string(f"{template}_subject.txt", context).strip(),
        body=render_to_string(f"{template}.txt", context),
        from_email=centre_sender(centre),
        to=[export.requested_by.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def report_export_file(*, export: ReportExport, now: dt.datetime | None = None):
    """The file of a finished report, if still within its download period."""
    now = now or timezone.now()
    if export.status == Status.DONE and export.expires_at and export.expires_at <= now:
        _expire(ReportExport.objects.filter(pk=export.pk))
        raise ReportExpired
    if export.status == Status.EXPIRED:
        raise ReportExpired
    if export.status != Status.DONE or not export.file:
        raise ReportNotReady
    return export.file


def report_export_delete(*, export: ReportExport, by: User | None) -> None:
    """Forget a report and delete its file."""
    ensure_manages(by=by, centre=export.centre)
    _empty_folder(export.storage_key, remove=True)
    export.delete()


def _expire(exports) -> int:
    """Delete the files of `exports` (a queryset of finished ones) and mark them expired."""
    found = list(exports.filter(status=Status.DONE).values_list("pk", "storage_key"))
    for _pk, storage_key in found:
        _empty_folder(storage_key, remove=True)
    return ReportExport.objects.filter(
        pk__in=[pk for pk, _key in found], status=Status.DONE
    ).update(status=Status.EXPIRED, file="")


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of reports past their download period and mark them expired; returns
    how many expired now. Safe to run at any time, any number of times."""
    now = now or timezone.now()
    return _expire(ReportExport.objects.filter(expires_at__lte=now))
