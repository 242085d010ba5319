"""Reads behind the member pages. Each runs a fixed number of queries, however much homework
there is, and reads only through `visible_to(viewer)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from portal.accounts.models import User
from portal.announcements.models import Announcement
from portal.centres.models import Centre, Guardianship
from portal.classes.models import Enrollment
from portal.homework.models import Homework
from portal.submissions.models import Submission

DUE_SOON = dt.timedelta(days=14)


@dataclass
class HomeworkRow:
    homework: Homework
    submission: Submission | None
    status: str  # not started, submitted, late, returned, missing

    @property
    def status_label(self) -> str:
        return self.status.capitalize()


@dataclass
class StudentOverview:
    student: User
    rows: list[HomeworkRow] = field(default_factory=list)

    @property
    def due_soon(self) -> list[HomeworkRow]:
        horizon = timezone.now() + DUE_SOON
        return [r for r in self.rows if r.status == "not started" and r.homework.due_at <= horizon]

    @property
    def missing(self) -> list[HomeworkRow]:
        return [r for r in self.rows if r.status == "missing"]

    @property
    def handed_in(self) -> list[HomeworkRow]:
        return [r for r in self.rows if r.status in ("submitted", "late")]

    @property
    def returned(self) -> list[HomeworkRow]:
        rows = [r for r in self.rows if r.status == "returned"]
        return sorted(rows, key=lambda r: r.submission.returned_at, reverse=True)


def row_status(homework: Homework, submission: Submission | None, now: dt.datetime) -> str:
    if submission is not None:
        return submission.status
    return "missing" if homework.due_at < now else "not started"


def homework_overview(
    *, viewer: User, students: list[User], centre: Centre
) -> dict[int, StudentOverview]:
    """Each student's live homework at `centre` with their submission and its status."""
    ids = [student.pk for student in students]
    places = (
        Enrollment.objects.visible_to(viewer)
        .current()
        .filter(student_id__in=ids, school_class__centre=centre)
        .values_list("student_id", "school_class_id")
    )
    classes_of: dict[int, set[int]] = {}
    for student_id, class_id in places:
        classes_of.setdefault(student_id, set()).add(class_id)
    all_classes = set().union(*classes_of.values()) if classes_of else set()
    homework = list(
        Homework.objects.visible_to(viewer)
        .filter(live=True, school_class_id__in=all_classes)
        .select_related("school_class__centre")
        .order_by("due_at", "pk")
    )
    submissions = {
        (s.student_id, s.homework_id): s
        for s in Submission.objects.visible_to(viewer).filter(
            student_id__in=ids, homework__in=[h.pk for h in homework]
        )
    }
    now = timezone.now()
    overview = {student.pk: StudentOverview(student) for student in students}
    for item in homework:
        for student in students:
            if item.school_class_id in classes_of.get(student.pk, ()):
                submission = submissions.get((student.pk, item.pk))
                overview[student.pk].rows.append(
                    HomeworkRow(item, submission, row_status(item, submission, now))
                )
    return overview


def announcements_for(*, viewer: User, centre: Centre, limit: int = 5) -> list[Announcement]:
    return list(
        Announcement.objects.visible_to(viewer)
        .current()
        .filter(centre=centre)
        .order_by("-created_at")[:limit]
    )


def children_of(*, guardian: User, centre: Centre) -> list[User]:
    links = (
        Guardianship.objects.visible_to(guardian)
        .filter(guardian=guardian, centre=centre)
        .select_related("student")
        .order_by("student__first_name", "student__last_name")
    )
    return [link.student for link in links]


def teaching_overview(*, teacher: User, centre: Centre, limit: int = 30) -> list[Homework]:
    """Homework of the teacher's classes with counts for the inbox: handed in, late, to return."""
    class_size = (
        Enrollment.objects.current()
        .filter(school_class=OuterRef("school_class"))
        .values("school_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Homework.objects.visible_to(teacher)
        .filter(
            school_class__centre=centre,
            pk__in=Homework.objects.editable_by(teacher).values("pk"),
        )
        .select_related("school_class")
        .annotate(
            class_size=Subquery(class_size, output_field=IntegerField()),
            handed_in=Count("submissions", distinct=True),
            late=Count("submissions", filter=Q(submissions__is_late=True), distinct=True),
            to_return=Count(
                "submissions", filter=Q(submissions__returned_at__isnull=True), distinct=True
            ),
        )
        .order_by("-due_at", "pk")[:limit]
    )


@dataclass
class InboxRow:
    student: User
    submission: Submission | None
    status: str


def homework_inbox(*, homework: Homework, viewer: User) -> list[InboxRow]:
    """Everyone in the class, and anyone else who handed in, with their submission."""
    submissions = {
        s.student_id: s
        for s in Submission.objects.visible_to(viewer)
        .filter(homework=homework)
        .select_related("student")
        .prefetch_related("files")
    }
    students = [
        place.student
        for place in Enrollment.objects.visible_to(viewer)
        .current()
        .filter(school_class_id=homework.school_class_id)
        .select_related("student")
    ]
    known = {student.pk for student in students}
    students += [s.student for s in submissions.values() if s.student_id not in known]
    now = timezone.now()
    rows = [
        InboxRow(student, submissions.get(student.pk), "")
        for student in sorted(students, key=lambda s: (s.last_name, s.first_name, s.email))
    ]
    for row in rows:
        row.status = row_status(homework, row.submission, now)
    return rows
