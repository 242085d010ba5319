"""Background roster imports: thin wrappers around the services, for files too long to wait for
and for OneRoster bundles (only a worker unpacks a zip)."""

from __future__ import annotations

from celery import shared_task

from portal.rosters import services
from portal.rosters.models import RosterImport


@shared_task(name="rosters.run", bind=True)
def roster_import_run(self, roster_import_id: int) -> str:
    """Check or import a roster, as its status asks; idempotent (a finished one is left alone)."""
    roster_import = RosterImport.objects.filter(pk=roster_import_id).first()
    if roster_import is None:
        return "deleted"

    def on_progress(percent: int) -> None:
        self.update_state(state="PROGRESS", meta={"progress": percent})

    if roster_import.status == RosterImport.Status.CHECKING:
        services.roster_import_dry_run(roster_import=roster_import, on_progress=on_progress)
    elif roster_import.status == RosterImport.Status.IMPORTING:
        services.roster_import_apply(roster_import=roster_import, on_progress=on_progress)
    return roster_import.status
