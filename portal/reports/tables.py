"""What each report holds, read in a few bulk queries and produced row by row.

The homework and the class lists of a report are small and read whole; submissions, which
grow with both, are streamed from a server-side cursor in chunks and merged with them in
order, so memory holds at most one homework's work at a time, however big the report.
Times are in the centre's own time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter

from django.db.models import Q

from portal.centres.models import Membership, Role
from portal.classes.models import Enrollment
from portal.homework.models import Homework
from portal.reports.models import ReportExport
from portal.reports.writers import CHUNK_ROWS, Table
from portal.submissions.models import Submission

#: The order of homework everywhere in a report: by class, then by due time.
HOMEWORK_ORDER = ("school_class__code", "due_at", "pk")
PERSON_HEADERS = ["student_id", "last_name", "first_name", "email"]
NAME_FIELDS = ("student__last_name", "student__first_name", "student__email")


@dataclass(frozen=True)
class SetWork:
    pk: int
    class_id: int
    class_code: str
    title: str
    set_on: dt.date
    due_at: dt.datetime
    max_points: int | None


@dataclass(frozen=True)
class Student:
    pk: int
    last_name: str
    first_name: str
    email: str
    ends_on: dt.date | None = None

    def takes(self, homework: SetWork) -> bool:
        """Expected to hand it in: still in the class when the homework was set."""
        return self.ends_on is None or self.ends_on >= homework.set_on


class Scope:
    """The homework, class lists and ids of one export's centre (and class, if chosen)."""

    def __init__(self, export: ReportExport) -> None:
        self.export = export
        self.zone = zoneinfo.ZoneInfo(export.centre.timezone)
        self.external_ids = dict(
            Membership.objects.filter(centre_id=export.centre_id, role=Role.STUDENT)
            .exclude(external_id="")
            .values_list("user_id", "external_id")
        )

    @cached_property
    def homework(self) -> list[SetWork]:
        export = self.export
        homework = Homework.objects.filter(school_class__centre_id=export.centre_id).filter(
            Q(live=True) | Q(first_published_at__isnull=False)
        )
        if export.school_class_id:
            homework = homework.filter(school_class_id=export.school_class_id)
        return [
            SetWork(*row)
            for row in homework.order_by(*HOMEWORK_ORDER).values_list(
                "pk", "school_class_id", "school_class__code", "title", "set_on", "due_at",
                "max_points",
            )
        ]  # fmt: skip

    @cached_property
    def students(self) -> dict[int, list[Student]]:
        """Students of each class that has homework here, in name order."""
        students: dict[int, list[Student]] = {work.class_id: [] for work in self.homework}
        places = (
            Enrollment.objects.filter(school_class_id__in=list(students))
            .order_by("school_class_id", "student__last_name", "student__first_name", "student_id")
            .values_list(
                "school_class_id",
                "student_id",
                "student__last_name",
                "student__first_name",
                "student__email",
                "ends_on",
            )
        )
        for class_id, *person in places:
            students[class_id].append(Student(*person))
        return students

    def local(self, moment: dt.datetime | None) -> dt.datetime | None:
        return moment.astimezone(self.zone).replace(tzinfo=None) if moment else None

    def person(self, student: Student) -> tuple:
        return (
            self.external_ids.get(student.pk, ""),
            student.last_name,
            student.first_name,
            student.email,
        )

    def submissions(self, *fields: str) -> Iterator[tuple]:
        """(homework id, student id, *fields, last name, first name, e-mail) of every
        submission, in homework order."""
        rows = (
            Submission.objects.filter(homework_id__in=[work.pk for work in self.homework])
            .order_by(*(f"homework__{key}" for key in HOMEWORK_ORDER), "student_id")
            .values_list("homework_id", "student_id", *fields, *NAME_FIELDS)
        )
        return rows.iterator(chunk_size=CHUNK_ROWS)

    def by_homework(self, stream: Iterator[tuple]) -> Iterator[tuple[SetWork, dict[int, tuple]]]:
        """Each homework with its submissions by student id; one homework in memory at a time."""
        groups = groupby(stream, key=itemgetter(0))
        pending = next(groups, None)
        for work in self.homework:
            handed_in = {}
            if pending is not None and pending[0] == work.pk:
                handed_in = {row[1]: row for row in pending[1]}
                pending = next(groups, None)
            yield work, handed_in

    def expected(
        self, work: SetWork, handed_in: dict[int, tuple]
    ) -> Iterator[tuple[Student, tuple | None]]:
        """The class's students who had to hand `work` in (in name order), then anyone else who
        did (a student who has left the class since), each with their submission or None."""
        handed_in = dict(handed_in)
        for student in self.students[work.class_id]:
            submission = handed_in.pop(student.pk, None)
            if submission is not None or student.takes(work):
                yield student, submission
        for submission in handed_in.values():
            yield Student(submission[1], *submission[-3:]), submission

    def expected_count(self) -> int:
        return sum(
            student.takes(work)
            for work in self.homework
            for student in self.students[work.class_id]
        )


def _status(returned_at, is_late) -> str:
    if returned_at is not None:
        return "returned"
    return "late" if is_late else "submitted"


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "no")


GRADE_HEADERS = [
    "class",
    "homework",
    "due",
    *PERSON_HEADERS,
    "status",
    "submitted_at",
    "late",
    "points",
    "max_points",
    "feedback",
    "returned_at",
]


def grades(export: ReportExport) -> Table:
    """One row per student per homework: their grade and feedback, or "missing"."""
    scope = Scope(export)

    def rows() -> Iterator[tuple]:
        stream = scope.submissions(
            "submitted_at",
            "is_late",
            "points",
            "feedback",
            "returned_at",
        )
        for work, handed_in in scope.by_homework(stream):
            due = scope.local(work.due_at)
            for student, found in scope.expected(work, handed_in):
                head = (work.class_code, work.title, due, *scope.person(student))
                if found is None:
                    yield (*head, "missing", None, "", None, work.max_points, "", None)
                    continue
                submitted_at, is_late, points, feedback, returned_at = found[2:7]
                yield (
                    *head,
                    _status(returned_at, is_late),
                    scope.local(submitted_at),
                    _yes_no(is_late),
                    points,
                    work.max_points,
                    feedback,
                    scope.local(returned_at),
                )

    return Table("Grades", GRADE_HEADERS, rows(), scope.expected_count())


COMPLETION_HEADERS = [
    "summary",
    "class",
    "homework",
    "due",
    *PERSON_HEADERS,
    "expected",
    "handed_in",
    "on_time",
    "late",
    "missing",
    "completion_percent",
]


def _counts(expected: int, on_time: int, late: int) -> tuple:
    handed_in = on_time + late
    percent = round(100 * handed_in / expected) if expected else None
    return expected, handed_in, on_time, late, expected - handed_in, percent


def completion(export: ReportExport) -> Table:
    """Per homework, then per student of each class: how much was handed in, late or missing."""
    scope = Scope(export)

    def rows() -> Iterator[tuple]:
        # (class id, student id) → the student and their [expected, on time, late], listed in
        # class and name order; students who handed in after leaving a class come last.
        tally: dict[tuple[int, int], tuple[Student, list[int]]] = {
            (class_id, student.pk): (student, [0, 0, 0])
            for class_id, students in scope.students.items()
            for student in students
        }
        for work, handed_in in scope.by_homework(scope.submissions("is_late")):
            totals = [0, 0, 0]
            for student, found in scope.expected(work, handed_in):
                _student, counts = tally.setdefault(
                    (work.class_id, student.pk), (student, [0, 0, 0])
                )
                column = 0 if found is None else (2 if found[2] else 1)
                for target in (totals, counts):
                    target[0] += 1
                    if column:
                        target[column] += 1
            due = scope.local(work.due_at)
            yield ("homework", work.class_code, work.title, due, "", "", "", "", *_counts(*totals))
        codes = {work.class_id: work.class_code for work in scope.homework}
        for (class_id, _pk), (student, counts) in tally.items():
            yield ("student", codes[class_id], "", None, *scope.person(student), *_counts(*counts))

    expected = len(scope.homework) + sum(len(s) for s in scope.students.values())
    return Table("Completion", COMPLETION_HEADERS, rows(), expected)


LOG_HEADERS = [
    "class",
    "homework",
    "due",
    *PERSON_HEADERS,
    "submitted_at",
    "late",
    "attempts",
    "status",
    "returned_at",
    "points",
    "max_points",
]


def submissions_log(export: ReportExport) -> Table:
    """Every submission, in the order it was handed in."""
    scope = Scope(export)
    submissions = Submission.objects.filter(homework__school_class__centre_id=export.centre_id)
    if export.school_class_id:
        submissions = submissions.filter(homework__school_class_id=export.school_class_id)
    expected = submissions.count()

    def rows() -> Iterator[tuple]:
        stream = (
            submissions.order_by("submitted_at", "pk")
            .values_list(
                "homework__school_class__code",
                "homework__title",
                "homework__due_at",
                "student_id",
                "student__last_name",
                "student__first_name",
                "student__email",
                "submitted_at",
                "is_late",
                "attempts",
                "returned_at",
                "points",
                "homework__max_points",
            )
            .iterator(chunk_size=CHUNK_ROWS)
        )
        for (
            code, title, due_at, student_id, last_name, first_name, email,
            submitted_at, is_late, attempts, returned_at, points, max_points,
        ) in stream:  # fmt: skip
            yield (
                code,
                title,
                scope.local(due_at),
                scope.external_ids.get(student_id, ""),
                last_name,
                first_name,
                email,
                scope.local(submitted_at),
                _yes_no(is_late),
                attempts,
                _status(returned_at, is_late),
                scope.local(returned_at),
                points,
                max_points,
            )

    return Table("Submissions", LOG_HEADERS, rows(), expected)


TABLES = {
    ReportExport.Kind.GRADES: grades,
    ReportExport.Kind.COMPLETION: completion,
    ReportExport.Kind.SUBMISSIONS_LOG: submissions_log,
}
