"""Report export: a 100,000-row grades report (500 students x 200 homework, nine in ten handed
in) through our export and through a naive ORM loop writing the same rows with csv.writer, in
the same run.

The naive version is what a first attempt looks like: for each homework and each enrolled
student, fetch the student, their submission and their external id as model objects (one query
each, per row) and write the row. Ours reads in a few bulk queries streamed from server-side
cursors and writes as it reads (see portal/reports/tables.py).

Runs in its own PostgreSQL database (bench_export_school_portal, created and dropped here).
Each side runs once, untraced: wall time, the growth of the process's peak resident memory
(Linux /proc, so the database driver's buffers count too) and SQL queries. Ours also runs once
under tracemalloc for its peak Python memory. Targets: ours at least 3 times faster than the
naive loop, and a peak under 100 MiB. BENCH_EXPORT_STUDENTS / BENCH_EXPORT_HOMEWORK change the size.
"""

from __future__ import annotations

import csv
import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_roster import Measured
from bench.harness import Row, with_database

STUDENTS = int(os.environ.get("BENCH_EXPORT_STUDENTS", "500"))
HOMEWORK = int(os.environ.get("BENCH_EXPORT_HOMEWORK", "200"))
ROWS = STUDENTS * HOMEWORK
DATABASE = "bench_export_school_portal"
CLASS_CODE = "BENCH-EXPORT"


def ours(export_id: int) -> Callable[[], None]:
    """Build the report as the Celery task does (without the e-mail)."""
    from portal.reports import services
    from portal.reports.models import ReportExport

    def run():
        ReportExport.objects.filter(pk=export_id).update(status=ReportExport.Status.QUEUED)
        export = services.report_export_build(export_id=export_id)
        assert export.status == ReportExport.Status.DONE and export.row_count == ROWS, export.error

    return run


def naive(school_class, path: str) -> Callable[[], None]:
    """The same rows, written while looping over Submission objects with their related
    objects fetched per row; then the missing ones, homework by homework."""
    from django.utils import timezone

    from portal.classes.models import Enrollment
    from portal.homework.models import Homework
    from portal.reports.tables import GRADE_HEADERS
    from portal.submissions.models import Submission

    centre = school_class.centre
    zone = centre.zone

    def local(moment):
        return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def person(student) -> list:
        membership = student.memberships.filter(centre=centre).first()
        return [
            membership.external_id if membership else "",
            student.last_name,
            student.first_name,
            student.email,
        ]

    def run():
        written = 0
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(GRADE_HEADERS)
            submissions = Submission.objects.filter(homework__school_class=school_class)
            for submission in submissions.order_by("homework__due_at", "student__last_name"):
                homework = submission.homework
                writer.writerow(
                    [
                        homework.school_class.code,
                        homework.title,
                        local(homework.due_at),
                        *person(submission.student),
                        submission.status,
                        local(submission.submitted_at),
                        "yes" if submission.is_late else "no",
                        submission.points,
                        homework.max_points,
                        submission.feedback,
                        local(submission.returned_at),
                    ]
                )
                written += 1
            places = Enrollment.objects.filter(school_class=school_class)
            for homework in Homework.objects.filter(school_class=school_class):
                handed_in = set(homework.submissions.values_list("student_id", flat=True))
                for place in places:
                    if place.student_id not in handed_in:
                        head = [school_class.code, homework.title, local(homework.due_at)]
                        tail = ["missing", "", "", "", homework.max_points, "", ""]
                        writer.writerow(head + person(place.student) + tail)
                        written += 1
        assert written == ROWS

    return run


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def measure_rss(action: Callable[[], object]) -> Measured:
    """Wall time, the growth of peak resident memory (all of it, the database driver's too)
    and SQL queries, without tracing, so the slow naive loop runs only once."""
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) restarts from here
    before = _kib("VmRSS")
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        action()
    seconds = time.perf_counter() - started
    return Measured(seconds, (_kib("VmHWM") - before) / 1024, count[0])


def measure_all() -> list[Row]:
    from portal.accounts.models import User
    from portal.centres.models import Centre
    from portal.reports.models import ReportExport
    from tests.reports.bulk import seed_gradebook

    centre = Centre.objects.get(slug="riverside")
    school_class = seed_gradebook(
        centre=centre, code=CLASS_CODE, students=STUDENTS, homework=HOMEWORK
    )
    results: dict[str, Measured] = {}
    exports = {
        file_format: ReportExport.objects.create(
            centre=centre,
            kind=ReportExport.Kind.GRADES,
            school_class=school_class,
            format=file_format,
            requested_by=User.objects.get(email="admin@riverside.example"),
        )
        for file_format in ("csv", "xlsx")
    }
    for file_format, export in exports.items():
        results[file_format] = measure_rss(ours(export.pk))
    for export in exports.values():
        export.refresh_from_db()
        export.file.delete(save=False)
    with tempfile.TemporaryDirectory() as folder:
        results["naive"] = measure_rss(naive(school_class, f"{folder}/naive.csv"))

    mine, xlsx, theirs = results["csv"], results["xlsx"], results["naive"]
    name = f"export_grades_{ROWS // 1000}k"
    return [
        Row(name, "seconds, CSV", mine.seconds, theirs.seconds, higher_is_better=False),
        Row(name, "peak MiB, CSV (RSS growth)", mine.peak_mib, theirs.peak_mib, False),
        Row(name, "SQL queries", mine.queries, theirs.queries, higher_is_better=False),
        Row(
            f"{name}_xlsx",
            "seconds, XLSX (baseline column: naive CSV)",
            xlsx.seconds,
            theirs.seconds,
            higher_is_better=False,
        ),
    ]


def run() -> list[Row]:
    return with_database(DATABASE, measure_all)
