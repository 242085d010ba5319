"""Roster imports (a record of each upload, its preview and its outcome) and year groups."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from portal.centres.models import Centre, Membership
from portal.centres.scoping import CentreScopedQuerySet
from portal.core.private_files import private_storage_instance

MAX_UPLOAD_MB = 50


def validate_roster_size(upload) -> None:
    """The one upload limit, for the admin form (through the model) and the API alike."""
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(f"Roster files are at most {MAX_UPLOAD_MB} MB; split larger ones.")


class RosterImportQuerySet(CentreScopedQuerySet):
    pass


class RosterImport(models.Model):
    """One uploaded roster: checked first (the preview), then imported all at once or not at all."""

    class Kind(models.TextChoices):
        STUDENTS = "students", "Students, their classes and guardians"
        TEACHERS = "teachers", "Teachers and the classes they teach"
        CLASSES = "classes", "Class list"
        ONEROSTER = "oneroster", "OneRoster 1.1 CSV bundle (zip)"

    class Mode(models.TextChoices):
        UPDATE = "update", "Add and update (leave people who are not in the file alone)"
        MIRROR = "mirror", "Mirror (also deactivate people who are not in the file)"

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        READY = "ready", "Ready to import"
        INVALID = "invalid", "Has problems"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="roster_imports")
    kind = models.CharField("what the file holds", max_length=16, choices=Kind.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.UPDATE)
    create_missing_classes = models.BooleanField(
        default=False, help_text="Create classes the file names but the centre does not have yet."
    )
    oneroster_school = models.CharField(
        "OneRoster school id",
        max_length=64,
        blank=True,
        help_text="The school's sourcedId in orgs.csv; needed only if the bundle has several.",
    )
    source_file = models.FileField(
        "roster file",
        upload_to="rosters/%Y/%m/",
        storage=private_storage_instance,
        max_length=255,
        validators=[validate_roster_size],
    )
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    row_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=list, blank=True)
    row_errors = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name or self.source_file.name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)


class StudentYearGroupQuerySet(CentreScopedQuerySet):
    centre_path = "membership__centre"


class StudentYearGroup(models.Model):
    """The year group a roster gives a student at one centre (e.g. "Year 7", "Grade 4")."""

    membership = models.OneToOneField(
        Membership, primary_key=True, on_delete=models.CASCADE, related_name="year_group"
    )
    year_group = models.CharField(max_length=32)

    objects = StudentYearGroupQuerySet.as_manager()

    def __str__(self) -> str:
        return self.year_group
