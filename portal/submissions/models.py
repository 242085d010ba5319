"""Work students hand in, the grade and feedback it gets, and the trail of grade changes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from portal.centres.scoping import CentreScopedQuerySet, Role, centre_ids_where
from portal.core.private_files import private_storage_instance


def _childs(prefix: str, user, centre_path: str) -> Q:
    """Rows about a student this user is a guardian of, at the row's own centre."""
    return Q(
        **{
            f"{prefix}guardians_of__guardian": user,
            f"{prefix}guardians_of__centre": F(centre_path),
        }
    )


class SubmissionQuerySet(CentreScopedQuerySet):
    centre_path = "homework__school_class__centre"

    def member_filter(self, user) -> Q:
        return (
            super().member_filter(user)
            | Q(
                homework__school_class__teachers=user,
                homework__school_class__centre__in=centre_ids_where(user, Role.TEACHER),
            )
            | Q(student=user)
            | _childs("student__", user, self.centre_path)
        )

    def gradable_by(self, user):
        """Submissions this user may grade: their admin centres', or their taught classes'."""
        from portal.homework.models import Homework

        return self.filter(homework__in=Homework.objects.editable_by(user).values("pk"))


class Submission(models.Model):
    """One student's work for one homework; resubmitting replaces it until it is returned."""

    homework = models.ForeignKey(
        "homework.Homework", on_delete=models.CASCADE, related_name="submissions"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    is_late = models.BooleanField("late", default=False)
    attempts = models.PositiveIntegerField(default=1)
    points = models.PositiveIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    #: How often it was returned: each return is news to the student once (see Notice).
    times_returned = models.PositiveIntegerField(default=0)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["homework", "student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["homework", "student"], name="submission_one_per_student"
            )
        ]
        indexes = [models.Index(fields=["student", "returned_at"])]

    def __str__(self) -> str:
        return f"{self.student} — {self.homework}"

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None

    @property
    def status(self) -> str:
        if self.is_returned:
            return "returned"
        return "late" if self.is_late else "submitted"


def submission_file_path(instance: SubmissionFile, filename: str) -> str:
    # A random folder per file: names can repeat, and nothing about the path can be guessed.
    return f"submissions/{instance.submission.homework_id}/{uuid.uuid4().hex}/{filename}"


class SubmissionFileQuerySet(CentreScopedQuerySet):
    centre_path = "submission__homework__school_class__centre"

    def member_filter(self, user) -> Q:
        return Q(submission__in=Submission.objects.visible_to(user).values("pk"))


class SubmissionFile(models.Model):
    """A file handed in with a submission, in private storage."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(
        upload_to=submission_file_path, storage=private_storage_instance, max_length=400
    )
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()

    objects = SubmissionFileQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class GradeChangeQuerySet(CentreScopedQuerySet):
    """The audit trail is for centre admins (the default member filter) and platform admins."""

    centre_path = "submission__homework__school_class__centre"


class GradeChange(models.Model):
    """Who changed a grade or feedback, when, from what to what: kept for centre admins."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="grade_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_points = models.PositiveIntegerField(null=True, blank=True)
    new_points = models.PositiveIntegerField(null=True, blank=True)
    old_feedback = models.TextField(blank=True)
    new_feedback = models.TextField(blank=True)

    objects = GradeChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.old_points} → {self.new_points}"
