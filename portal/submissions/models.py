"""Work students hand in, the grade and feedback it gets, and the trail of grade changes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q, Value

from portal.centres.models import Guardianship
from portal.centres.scoping import CentreScopedQuerySet, Role, centre_ids_where, role_filter
from portal.classes.models import run_by_branches, run_by_filter
from portal.core.private_files import private_storage_instance


class SubmissionQuerySet(CentreScopedQuerySet):
    centre_path = "homework__school_class__centre"
    # Every branch below tests a column, a single-valued relation or an id subquery: no row
    # can repeat, so visible_to filters directly instead of through a semi-join on the pk.
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        # Graders (their admin centres' work, and their taught classes' where they still
        # teach), the student, and the student's guardians at the homework's centre.
        return role_filter(
            user,
            self.centre_path,
            **run_by_branches(user, to_class="homework__school_class"),
            student=Q(student=user),
            guardian=lambda: Q(pk__in=self._childrens(user)),
        )

    @staticmethod
    def _childrens(user):
        return Guardianship.objects.childrens(
            user, rows="submissions", centre_path="homework__school_class__centre"
        )

    def gradable_by(self, user):
        """Submissions this user may grade: their admin centres', or their taught classes'."""
        from portal.homework.models import Homework

        return self.filter(homework__in=Homework.objects.editable_by(user).values("pk"))

    def visible_with_can_grade(self, user):
        """`visible_to(user)`, each row annotated with `can_grade`: whether `user` may grade it
        (the rule of `gradable_by`), in the same query rather than a subquery per row. Someone
        who sees submissions only as a grader (no student or guardian role anywhere) may grade
        every row they see, and someone with no grading role none: a constant says so."""
        visible = self.visible_to(user)
        if not user.is_authenticated or not user.is_active:
            can_grade = Value(False)
        elif user.is_superuser or not centre_ids_where(user, Role.STUDENT, Role.GUARDIAN):
            can_grade = Value(True)
        elif not centre_ids_where(user, Role.ADMIN, Role.TEACHER):
            can_grade = Value(False)
        else:
            can_grade = ExpressionWrapper(
                run_by_filter(user, to_class="homework__school_class"),
                output_field=models.BooleanField(),
            )
        return visible.annotate(can_grade=can_grade)


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
