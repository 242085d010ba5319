"""Handing in, late work, limits, grading, the audit trail and returning, through services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.centres.models import Guardianship
from portal.homework.models import LatePolicy
from portal.notifications.models import Notice
from portal.submissions import services
from portal.submissions.models import GradeChange, Submission, SubmissionFile
from tests.submissions.conftest import upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]
STUDENT = "student1@riverside.example"
PAST = dt.timedelta(hours=-1)


def hand_in(homework, student, *, text="My answer", files=()):
    return services.submission_submit(
        homework=homework, student=student, text=text, files=list(files), by=student
    )


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_handing_in_text_and_a_file_stores_the_file_privately(set_homework, person, private_files):
    student = person(STUDENT)
    submission = hand_in(set_homework("riverside", "7M1"), student, files=[upload()])
    assert (submission.status, submission.is_late, submission.attempts) == ("submitted", False, 1)
    (handed_in,) = submission.files.all()
    assert handed_in.name == "answers.txt" and handed_in.size == 3
    assert Path(handed_in.file.path).is_relative_to(private_files)
    assert Path(handed_in.file.path).read_bytes() == b"42\n"


def test_handing_in_again_replaces_the_work_and_its_files(set_homework, person, private_files):
    homework, student = set_homework("riverside", "7M1"), person(STUDENT)
    hand_in(homework, student, files=[upload("first.txt")])
    again = hand_in(homework, student, text="Better answer", files=[upload("second.txt")])
    assert again.attempts == 2 and again.text == "Better answer"
    assert [f.name for f in again.files.all()] == ["second.txt"]
    assert [p.name for p in stored_files(private_files)] == ["second.txt"]


@pytest.mark.parametrize(("policy", "late"), [(LatePolicy.FLAG, True), (LatePolicy.ACCEPT, False)])
def test_work_after_the_due_time_is_flagged_per_policy(set_homework, person, policy, late):
    homework = set_homework("riverside", "7M1", due_in=PAST, late_policy=policy)
    submission = hand_in(homework, person(STUDENT))
    assert submission.is_late is late
    assert submission.status == ("late" if late else "submitted")


def test_late_work_is_refused_when_the_policy_says_so(set_homework, person, private_files):
    homework = set_homework("riverside", "7M1", due_in=PAST, late_policy=LatePolicy.REFUSE)
    with pytest.raises(ValidationError, match="late work is not accepted"):
        hand_in(homework, person(STUDENT), files=[upload()])
    assert not Submission.objects.filter(homework=homework).exists()
    assert stored_files(private_files) == []


def test_an_empty_submission_is_refused(set_homework, person):
    homework = set_homework("riverside", "7M1")
    with pytest.raises(ValidationError, match="Write an answer or attach"):
        hand_in(homework, person(STUDENT), text="   ")
    assert not Submission.objects.filter(homework=homework).exists()


def test_a_file_over_the_limit_is_refused_and_not_stored(
    set_homework, person, settings, private_files
):
    settings.SUBMISSION_MAX_FILE_BYTES = 10
    homework = set_homework("riverside", "7M1")
    with pytest.raises(ValidationError, match="each file may be up to 10"):
        hand_in(homework, person(STUDENT), files=[upload(content=b"x" * 11)])
    assert not Submission.objects.filter(homework=homework).exists()
    assert stored_files(private_files) == []


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\evil.txt", ".htaccess", "a/b.txt"])
def test_file_names_with_path_tricks_are_refused(set_homework, person, private_files, name):
    homework = set_homework("riverside", "7M1")
    tricky = upload()
    tricky._name = name  # what a crafted request could carry past the upload handler
    with pytest.raises(ValidationError, match="not a plain file name"):
        hand_in(homework, person(STUDENT), files=[tricky])
    assert stored_files(private_files) == []
    assert not SubmissionFile.objects.filter(submission__homework=homework).exists()


def test_only_the_class_hands_in(set_homework, person):
    homework = set_homework("riverside", "7S1")  # students 1-10 only
    with pytest.raises(PermissionDenied):
        hand_in(homework, person("student11@riverside.example"))
    with pytest.raises(PermissionDenied):
        hand_in(homework, person("student1@hillcrest.example"))
    with pytest.raises(PermissionDenied):  # someone handing in for a student
        services.submission_submit(
            homework=homework,
            student=person(STUDENT),
            text="x",
            files=[],
            by=person("parent1@riverside.example"),
        )


def test_draft_homework_cannot_be_handed_in(set_homework, person):
    homework = set_homework("riverside", "7M1", live=False)
    with pytest.raises(PermissionDenied):
        hand_in(homework, person(STUDENT))


def test_grading_keeps_an_audit_trail_of_each_change(set_homework, person):
    teacher = person("teacher1@riverside.example")
    submission = hand_in(set_homework("riverside", "7M1"), person(STUDENT))
    services.submission_grade(submission=submission, points=12, feedback="Good", by=teacher)
    services.submission_grade(submission=submission, points=12, feedback="Good", by=teacher)
    services.submission_grade(submission=submission, points=15, feedback="Better", by=teacher)
    trail = list(GradeChange.objects.filter(submission=submission).order_by("pk"))
    assert [(c.old_points, c.new_points) for c in trail] == [(None, 12), (12, 15)]
    assert [(c.old_feedback, c.new_feedback) for c in trail] == [("", "Good"), ("Good", "Better")]
    assert {c.changed_by for c in trail} == {teacher}


@pytest.mark.parametrize("points", [-1, 21])
def test_points_stay_within_the_homework_maximum(set_homework, person, points):
    submission = hand_in(set_homework("riverside", "7M1"), person(STUDENT))
    with pytest.raises(ValidationError):
        services.submission_grade(
            submission=submission,
            points=points,
            feedback="",
            by=person("teacher1@riverside.example"),
        )
    assert not GradeChange.objects.filter(submission=submission).exists()


@pytest.mark.parametrize(
    "grader",
    [
        "teacher2@riverside.example",  # does not teach 7M1
        "teacher1@hillcrest.example",
        "admin@hillcrest.example",
        STUDENT,
        "parent1@riverside.example",
    ],
)
def test_only_the_class_teachers_and_centre_admins_grade(set_homework, person, grader):
    submission = hand_in(set_homework("riverside", "7M1"), person(STUDENT))
    with pytest.raises(PermissionDenied):
        services.submission_grade(submission=submission, points=1, feedback="", by=person(grader))
    with pytest.raises(PermissionDenied):
        services.submission_return(submission=submission, by=person(grader))
    submission.refresh_from_db()
    assert submission.points is None and submission.returned_at is None


def test_returning_tells_the_student_and_guardians_who_did_not_switch_off(set_homework, person):
    student, teacher = person(STUDENT), person("teacher1@riverside.example")
    Guardianship.objects.filter(guardian=person("parent1@riverside.example")).update(
        email_notices=False, weekly_digest=False, reminder_copies=False
    )
    submission = hand_in(set_homework("riverside", "7M1", title="Long division"), student)
    services.submission_grade(submission=submission, points=18, feedback="Neat", by=teacher)
    services.submission_return(submission=submission, by=teacher)
    told = Notice.objects.filter(title="Returned: Long division", kind=Notice.Kind.GRADE)
    assert set(told.values_list("recipient__email", flat=True)) == {STUDENT}
    Guardianship.objects.filter(guardian=person("parent1@riverside.example")).update(
        weekly_digest=True
    )
    services.submission_return(submission=submission, by=teacher)  # returned again: news again
    assert set(told.values_list("recipient__email", flat=True)) == {
        STUDENT,
        "parent1@riverside.example",
    }
    assert told.filter(recipient=student).count() == 2


def test_returned_work_can_no_longer_be_changed_by_the_student(set_homework, person):
    student = person(STUDENT)
    submission = hand_in(set_homework("riverside", "7M1"), student)
    services.submission_return(submission=submission, by=person("admin@riverside.example"))
    with pytest.raises(ValidationError, match="returned"):
        hand_in(submission.homework, student, text="changed my mind")
