"""Report export operations: centre admins request and read their centre's reports; everyone
else sees none (the requester keeps theirs, but every requester here is an admin)."""

from __future__ import annotations

from portal.centres.models import Centre
from portal.reports.models import ReportExport
from tests.api.matrix import (
    CREATE,
    CREATE_ELSEWHERE,
    EVERYONE_SIGNED_IN,
    ONLY_PLATFORM,
    Entry,
    expect,
    first_class,
)

ADMINS_READ = expect("200 200 404 404 404 404 401")


def done_export(centre: Centre) -> ReportExport:
    """The demo's finished grades export of the centre."""
    return ReportExport.objects.filter(centre=centre, status=ReportExport.Status.DONE).first()


def export_body(centre: Centre) -> dict:
    return {
        "centre": centre.pk,
        "kind": "grades",
        "school_class": first_class(centre).pk,
        "format": "xlsx",
    }


REPORTS: dict[str, Entry] = {
    "report_exports_list": Entry(own=EVERYONE_SIGNED_IN),
    "report_exports_create": Entry(own=CREATE, other=CREATE_ELSEWHERE, body=export_body),
    "report_exports_retrieve": Entry(own=ADMINS_READ, other=ONLY_PLATFORM, target=done_export),
    "report_exports_download_retrieve": Entry(
        own=ADMINS_READ, other=ONLY_PLATFORM, target=done_export
    ),
}
