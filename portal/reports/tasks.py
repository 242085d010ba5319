"""Background report exports: thin wrappers around the services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from portal.reports import services


@shared_task(
    name="reports.build_export",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def build_export(export_id: int) -> str:
    """Build the report's file, then e-mail the requester; idempotent (a finished report is
    not built again, and its e-mail is sent once)."""
    export = services.report_export_build(export_id=export_id)
    if export is None:
        return "deleted"
    services.report_export_notify(export_id=export_id)
    return export.status
