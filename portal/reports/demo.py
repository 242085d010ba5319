"""Demo reports: one finished grades export per centre, made on the spot (no worker, no e-mail)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.classes.models import SchoolClass
from portal.reports import services
from portal.reports.models import ReportExport


def seed_reports(centre: Centre) -> None:
    """Idempotent: does nothing when the centre already has a report."""
    if ReportExport.objects.filter(centre=centre).exists():
        return
    export = ReportExport.objects.create(
        centre=centre,
        kind=ReportExport.Kind.GRADES,
        school_class=SchoolClass.objects.filter(centre=centre).order_by("pk")[1],
        requested_by=User.objects.get(email=f"admin@{centre.slug}.example"),
    )
    services.report_export_build(export_id=export.pk)
