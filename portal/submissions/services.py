"""Handing in, grading and returning work. Every write to submissions goes through here."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Membership, Role
from portal.classes.models import Enrollment
from portal.homework.models import Homework, LatePolicy
from portal.notifications import notices
from portal.submissions.models import GradeChange, Submission, SubmissionFile


def _check_file_names(files: Sequence[UploadedFile]) -> None:
    for upload in files:
        name = upload.name or ""
        if (
            name != os.path.basename(name)
            or "\\" in name
            or "\x00" in name
            or name.startswith(".")
            or not name.strip()
        ):
            raise ValidationError({"files": f"“{name}” is not a plain file name."})


def _check_file_sizes(files: Sequence[UploadedFile]) -> None:
    largest = settings.SUBMISSION_MAX_FILE_BYTES
    if len(files) > settings.SUBMISSION_MAX_FILES:
        raise ValidationError(
            {"files": f"Hand in at most {settings.SUBMISSION_MAX_FILES} files at once."}
        )
    for upload in files:
        if upload.size > largest:
            raise ValidationError(
                {
                    "files": f"{upload.name} is {filesizeformat(upload.size)}; each file may be "
                    f"up to {filesizeformat(largest)}."
                }
            )
    if sum(upload.size for upload in files) > settings.SUBMISSION_MAX_TOTAL_BYTES:
        raise ValidationError(
            {
                "files": "Together the files are too big; the limit is "
                f"{filesizeformat(settings.SUBMISSION_MAX_TOTAL_BYTES)}."
            }
        )


def submission_window(*, homework: Homework, submission: Submission | None, now=None) -> str:
    """ "open", "late" (after the due time, accepted) or the reason it is "closed: …"."""
    now = now or timezone.now()
    if submission is not None and submission.is_returned:
        return "closed: your work has been returned"
    if now <= homework.due_at:
        return "open"
    if homework.late_policy == LatePolicy.REFUSE:
        return "closed: the due time has passed and late work is not accepted"
    return "late"


def _ensure_student_of(*, homework: Homework, student: User) -> None:
    attends = (
        Enrollment.objects.current()
        .filter(school_class_id=homework.school_class_id, student=student)
        .exists()
    )
    active = Membership.objects.filter(
        centre_id=homework.school_class.centre_id, user=student, role=Role.STUDENT, is_active=True
    ).exists()
    if not (homework.live and attends and active):
        raise PermissionDenied("Only students of this class hand in this homework.")


@transaction.atomic
def submission_submit(
    *,
    homework: Homework,
    student: User,
    text: str,
    files: Sequence[UploadedFile],
    by: User,
) -> Submission:
    """Hand in (or hand in again) a student's work; late work is flagged or refused per the
    homework's late policy. Uploaded files are moved, not read, into private storage."""
    if by != student:
        raise PermissionDenied("Students hand in their own work.")
    _ensure_student_of(homework=homework, student=student)
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError("Write an answer or attach at least one file.")
    _check_file_names(files)
    _check_file_sizes(files)
    submission = (
        Submission.objects.select_for_update().filter(homework=homework, student=student).first()
    )
    now = timezone.now()
    window = submission_window(homework=homework, submission=submission, now=now)
    if window.startswith("closed"):
        raise ValidationError(f"You can no longer hand this in: {window.removeprefix('closed: ')}.")
    is_late = window == "late" and homework.late_policy == LatePolicy.FLAG
    if submission is None:
        submission = Submission(homework=homework, student=student, attempts=0)
    else:
        for old in submission.files.all():
            old.file.delete(save=False)
        submission.files.all().delete()
    submission.text = text
    submission.submitted_at = now
    submission.is_late = is_late
    submission.attempts += 1
    submission.save()
    for upload in files:
        SubmissionFile.objects.create(
            submission=submission, file=upload, name=upload.name, size=upload.size
        )
    return submission


def _ensure_grades(*, submission: Submission, by: User) -> None:
    if not Submission.objects.gradable_by(by).filter(pk=submission.pk).exists():
        raise PermissionDenied("Only the class's teachers and the centre's admins grade this.")


@transaction.atomic
def submission_grade(
    *, submission: Submission, points: int | None, feedback: str, by: User
) -> Submission:
    """Set points and feedback; every change is kept in the grade audit trail."""
    _ensure_grades(submission=submission, by=by)
    maximum = submission.homework.max_points
    if points is not None and (points < 0 or (maximum is not None and points > maximum)):
        raise ValidationError({"points": f"Points go from 0 to {maximum}."})
    if points is not None and maximum is None:
        raise ValidationError({"points": "This homework is not marked with points."})
    feedback = (feedback or "").strip()
    if (points, feedback) == (submission.points, submission.feedback):
        return submission
    GradeChange.objects.create(
        submission=submission,
        changed_by=by,
        old_points=submission.points,
        new_points=points,
        old_feedback=submission.feedback,
        new_feedback=feedback,
    )
    submission.points, submission.feedback, submission.graded_by = points, feedback, by
    submission.save(update_fields=["points", "feedback", "graded_by"])
    return submission


@transaction.atomic
def submissions_return(*, submissions: Iterable[Submission], by: User) -> list[Submission]:
    """Return work to its students, and tell them and their guardians: in the app at once,
    by e-mail from the worker once the return is committed."""
    submissions = list(submissions)
    for submission in submissions:
        _ensure_grades(submission=submission, by=by)
    now = timezone.now()
    for submission in submissions:
        submission.returned_at = now
        submission.times_returned += 1
        submission.save(update_fields=["returned_at", "times_returned"])
        notices.notice_grade_returned(submission=submission)
        _email_after_commit(submission)
    return submissions


def _email_after_commit(submission: Submission) -> None:
    from portal.notifications.tasks import send_returned_work_notices

    args = (submission.pk, submission.times_returned)
    transaction.on_commit(lambda: send_returned_work_notices.delay(*args))


def submission_return(*, submission: Submission, by: User) -> Submission:
    return submissions_return(submissions=[submission], by=by)[0]
