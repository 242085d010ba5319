"""A small class whose reports are known row by row, and a reader for the files reports write."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from portal.accounts.models import User
from portal.centres.models import Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.reports.models import ReportExport
from portal.submissions.models import Submission
from tests.api.conftest import api_for  # noqa: F401 - a fixture for the API tests here

RIVERSIDE_ADMIN = "admin@riverside.example"
HILLCREST_ADMIN = "admin@hillcrest.example"


@pytest.fixture
def private_files(settings, tmp_path):
    """Report files of these tests land in a temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@dataclass
class Gradebook:
    school_class: SchoolClass
    students: list[User]  # student1..student5 of Riverside
    quiz: Homework  # "=cmd": due yesterday
    essay: Homework  # due in two days, ungraded
    due: dt.datetime


def _student(n: int) -> User:
    return User.objects.get(email=f"student{n}@riverside.example")


@pytest.fixture
def gradebook(riverside, private_files) -> Gradebook:
    """Class RPT1 at Riverside:

    * students 1-3 are in it; student 4 left before any homework was set; student 5 never
      joined (but handed the essay in);
    * student 1's external id is "-007" (text that looks like a negative number);
    * "=cmd" (max 10): student 1 got 7, feedback "+1 well done", returned; student 2 handed in
      late, feedback "-2 for lateness"; student 3 is missing; student 4 handed in on time with
      feedback "@SUM(A1:A9)";
    * "Essay" (no maximum): student 3 and student 5 handed in; students 1 and 2 are missing;
    * a draft is never in a report.
    """
    today = timezone.localdate()
    now = timezone.now().replace(second=0, microsecond=0)
    school_class = SchoolClass.objects.create(centre=riverside, code="RPT1", name="Reports test")
    students = [_student(n) for n in range(1, 6)]
    for student in students[:3]:
        Enrollment.objects.create(school_class=school_class, student=student)
    Enrollment.objects.create(
        school_class=school_class,
        student=students[3],
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=30),
    )
    Membership.objects.filter(centre=riverside, user=students[0], role=Role.STUDENT).update(
        external_id="-007"
    )

    def homework(title: str, due_at, **fields) -> Homework:
        fields.setdefault("live", True)
        fields.setdefault("first_published_at", now if fields["live"] else None)
        return Homework.objects.create(
            school_class=school_class,
            title=title,
            instructions="<p>Do it.</p>",
            set_on=today - dt.timedelta(days=5),
            due_at=due_at,
            **fields,
        )

    quiz = homework("=cmd", now - dt.timedelta(days=1), max_points=10)
    essay = homework("Essay", now + dt.timedelta(days=2))
    homework("Draft worksheet", now + dt.timedelta(days=9), live=False)

    def hand_in(work, student, hours_before_due, **fields):
        return Submission.objects.create(
            homework=work,
            student=student,
            submitted_at=work.due_at - dt.timedelta(hours=hours_before_due),
            **fields,
        )

    hand_in(quiz, students[0], 5, points=7, feedback="+1 well done", returned_at=now)
    hand_in(quiz, students[1], -3, is_late=True, attempts=2, feedback="-2 for lateness")
    hand_in(quiz, students[3], 9, feedback="@SUM(A1:A9)")
    hand_in(essay, students[2], 30)
    hand_in(essay, students[4], 20)
    return Gradebook(school_class, students, quiz, essay, now)


@pytest.fixture
def request_export(person, riverside):
    """A queued export of Riverside (by its admin), as the request service leaves it."""

    def make(kind: str, *, school_class=None, file_format: str = "csv") -> ReportExport:
        return ReportExport.objects.create(
            centre=riverside,
            kind=kind,
            school_class=school_class,
            format=file_format,
            requested_by=person(RIVERSIDE_ADMIN),
        )

    return make


def read_rows(content: bytes, file_format: str) -> list[list]:
    """A report file's rows as Python values (XLSX keeps types; CSV cells are text)."""
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_export(export: ReportExport) -> list[list]:
    with export.file.open("rb") as stream:
        return read_rows(stream.read(), export.format)
