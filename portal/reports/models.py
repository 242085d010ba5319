"""Report exports: a centre admin asks for a spreadsheet, a worker writes it, a link fetches it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.centres.models import Centre
from portal.centres.scoping import CentreScopedQuerySet, centres_subquery
from portal.core.private_files import private_storage_instance


class ReportExportQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        # The centre's admins, and whoever asked for it while they still belong to the centre.
        return super().member_filter(user) | Q(requested_by=user, centre__in=centres_subquery(user))


class ReportExport(models.Model):
    """One requested report: what, for which class (or the whole centre), and its file."""

    class Kind(models.TextChoices):
        GRADES = "grades", "Grades"
        COMPLETION = "completion", "Homework completion"
        SUBMISSIONS_LOG = "submissions_log", "Submissions log"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="report_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_exports",
    )
    kind = models.CharField("report", max_length=20, choices=Kind.choices)
    school_class = models.ForeignKey(
        "classes.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_exports",
        verbose_name="class",
        help_text="Leave empty for the whole centre.",
    )
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.CSV)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(
        upload_to="reports/", storage=private_storage_instance, max_length=255, blank=True
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: Names the export's folder in private storage: unguessable, and never shared with another
    #: export (even of another database using the same storage).
    storage_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    #: The build run that may finish this export (see services.report_export_build).
    run_token = models.CharField(max_length=32, blank=True, editable=False)

    objects = ReportExportQuerySet.as_manager()

    class Meta:
        verbose_name = "report"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["centre", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return self.school_class.code if self.school_class_id else "whole centre"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def download_name(self) -> str:
        scope = self.school_class.code if self.school_class_id else "centre"
        moment = self.finished_at or self.created_at or timezone.now()
        day = timezone.localtime(moment, self.centre.zone).date().isoformat()
        return f"{self.centre.slug}-{self.kind}-{scope}-{day}.{self.format}".replace(" ", "_")
