"""Demo submissions: work handed in on time and late, graded (once re-graded) and returned."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.classes.models import SchoolClass
from portal.homework.models import Homework, LatePolicy
from portal.notifications.services import notifications_suppressed
from portal.submissions import services
from portal.submissions.models import Submission


def _hand_in(homework: Homework, numbers) -> dict[int, Submission]:
    """The class's 1st, 2nd, … students (by when their accounts were made) hand in."""
    students = User.objects.filter(
        enrollments__school_class=homework.school_class_id, is_active=True
    ).order_by("pk")
    handed_in = {}
    for number in numbers:
        student = students[number - 1]
        handed_in[number] = services.submission_submit(
            homework=homework,
            student=student,
            text=f"My answers, by {student.first_name} {student.last_name}.",
            files=[SimpleUploadedFile(f"work-{number}.txt", b"1. 3/4\n2. 5/8\n", "text/plain")],
            by=student,
        )
    return handed_in


def _past_homework(school_class: SchoolClass, title: str, teacher: User, **fields) -> Homework:
    """Live homework, due tomorrow for now (so work can be handed in on time), approved by the
    centre's admin."""
    homework = Homework(
        school_class=school_class,
        title=title,
        created_by=teacher,
        instructions=f"<p>{title}: see the worksheet.</p>",
        set_on=timezone.localdate() - dt.timedelta(days=9),
        due_at=timezone.now() + dt.timedelta(days=1),
        **fields,
    )
    homework.save()
    admin = User.objects.get(email=f"admin@{school_class.centre.slug}.example")
    homework.save_revision(user=teacher).publish(user=admin)
    homework.refresh_from_db()  # publishing saved a copy from the revision
    return homework


def _grade_and_return(submissions, points: dict[int, int], teacher: User) -> None:
    for number, score in points.items():
        services.submission_grade(
            submission=submissions[number],
            points=score,
            feedback="Careful working; check the last question again." if score < 8 else "Great!",
            by=teacher,
        )
    services.submissions_return(submissions=[submissions[n] for n in points], by=teacher)


def seed_submissions(centre: Centre) -> None:
    """Idempotent: does nothing when the centre already has submissions."""
    if Submission.objects.filter(homework__school_class__centre=centre).exists():
        return
    teacher1 = User.objects.get(email=f"teacher1@{centre.slug}.example")
    teacher2 = User.objects.get(email=f"teacher2@{centre.slug}.example")
    first, middle, third = SchoolClass.objects.filter(centre=centre).order_by("pk")[:3]
    with notifications_suppressed():
        reading = _past_homework(
            middle, "Reading log", teacher2, max_points=10, late_policy=LatePolicy.FLAG
        )
        quiz = _past_homework(
            third, "Cell quiz", teacher1, max_points=10, late_policy=LatePolicy.REFUSE
        )
    on_time = _hand_in(reading, range(1, 7))
    quiz_work = _hand_in(quiz, range(1, 5))
    Homework.objects.filter(pk__in=[reading.pk, quiz.pk]).update(
        due_at=timezone.now() - dt.timedelta(days=2)
    )
    reading.refresh_from_db()
    _hand_in(reading, (7, 8))  # after the due time: flagged late
    _grade_and_return(on_time, {1: 7, 2: 9, 3: 6}, teacher2)
    services.submission_grade(  # a second opinion, kept in the audit trail
        submission=on_time[1], points=8, feedback="Re-marked: question 4 was right.", by=teacher2
    )
    _grade_and_return(quiz_work, {1: 9, 2: 5}, teacher1)
    fractions = Homework.objects.get(school_class=first, title="Fractions practice")
    _hand_in(fractions, (1, 2))
