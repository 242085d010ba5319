"""Roster import: 10,000 students with three classes and two guardians each, through our import
and through plain django-import-export ModelResources (default settings), in the same run.

Runs in its own PostgreSQL database (bench_school_portal, created and dropped here). Each side
starts from the same two demo centres; both are measured under the same conditions: wall time,
peak Python memory and the number of SQL queries, with tracemalloc on (it slows both). Ours is
also timed without tracing against the 10 s target, and run on a quarter of the rows to show
its memory does not grow with the file. BENCH_ROSTER_STUDENTS changes the size.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from bench.harness import Row, with_database

STUDENTS = int(os.environ.get("BENCH_ROSTER_STUDENTS", "10000"))
CLASSES = 30
DATABASE = "bench_school_portal"


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mib: float
    queries: int


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(action: Callable[[], object]) -> Measured:
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        action()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measured(seconds, peak / 2**20, count[0])


def roster_rows(students: int) -> list[dict[str, str]]:
    """Guardian 1 is each student's own; guardian 2 is shared by pairs of siblings."""
    rows = []
    for n in range(students):
        codes = " ".join(f"B{(n + k) % CLASSES:02d}" for k in range(3))
        rows.append(
            {
                "student_id": f"S{n:06d}",
                "first_name": "Pupil",
                "last_name": f"No {n}",
                "email": f"pupil{n}@bench.example",
                "classes": codes,
                "guardian1_first_name": "Carer",
                "guardian1_last_name": f"No {n}",
                "guardian1_email": f"carer{n}@bench.example",
                "guardian1_phone": f"+44 7700 {n:06d}",
                "guardian1_relationship": "parent",
                "guardian2_first_name": "Family",
                "guardian2_last_name": f"No {n // 2}",
                "guardian2_email": f"family{n // 2}@bench.example",
                "guardian2_phone": "",
                "guardian2_relationship": "carer",
            }
        )
    return rows


def roster_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def ours(centre, content: bytes):
    """Upload (kept privately) and import, as the Celery task does for a file this size."""
    from django.core.files.base import ContentFile

    from portal.rosters import services
    from portal.rosters.models import RosterImport

    roster_import = RosterImport(centre=centre, kind=RosterImport.Kind.STUDENTS, row_count=STUDENTS)
    roster_import.source_file.save("bench.csv", ContentFile(content), save=False)
    roster_import.status = RosterImport.Status.IMPORTING
    roster_import.save()

    def run():
        done = services.roster_import_apply(roster_import=roster_import)
        assert done.status == RosterImport.Status.DONE, done.row_errors[:5]

    yield run
    roster_import.source_file.delete(save=False)


def baseline(centre, rows: list[dict[str, str]]) -> Callable[[], None]:
    """The same people and links through one default ModelResource per model."""
    import tablib
    from import_export import fields, resources, widgets

    from portal.accounts.models import User
    from portal.centres.models import Centre, Guardianship, Membership
    from portal.classes.models import Enrollment, SchoolClass

    by_email = widgets.ForeignKeyWidget(User, "email")
    centre_slug = widgets.ForeignKeyWidget(Centre, "slug")

    class UserResource(resources.ModelResource):
        class Meta:
            model = User
            fields = ("email", "first_name", "last_name", "phone")
            import_id_fields = ("email",)

    class MembershipResource(resources.ModelResource):
        user = fields.Field("user", "user", by_email)
        centre = fields.Field("centre", "centre", centre_slug)

        class Meta:
            model = Membership
            fields = ("user", "centre", "role", "external_id")
            import_id_fields = ("user", "centre", "role")

    class EnrollmentResource(resources.ModelResource):
        student = fields.Field("student", "student", by_email)

        class Meta:
            model = Enrollment
            fields = ("school_class", "student")
            import_id_fields = ("school_class", "student")

    class GuardianshipResource(resources.ModelResource):
        centre = fields.Field("centre", "centre", centre_slug)
        guardian = fields.Field("guardian", "guardian", by_email)
        student = fields.Field("student", "student", by_email)

        class Meta:
            model = Guardianship
            fields = ("centre", "guardian", "student", "relationship")
            import_id_fields = ("centre", "guardian", "student")

    class_ids = dict(SchoolClass.objects.filter(centre=centre).values_list("code", "pk"))
    people, members, places, links = {}, [], [], []
    for row in rows:
        people[row["email"]] = (row["email"], row["first_name"], row["last_name"], "")
        members.append((row["email"], centre.slug, "student", row["student_id"]))
        places += [(class_ids[code], row["email"]) for code in row["classes"].split()]
        for slot in ("guardian1", "guardian2"):
            email = row[f"{slot}_email"]
            if email not in people:
                people[email] = (
                    email,
                    row[f"{slot}_first_name"],
                    row[f"{slot}_last_name"],
                    row[f"{slot}_phone"],
                )
                members.append((email, centre.slug, "guardian", ""))
            links.append((centre.slug, email, row["email"], row[f"{slot}_relationship"]))
    datasets = [
        (UserResource, tablib.Dataset(*people.values(), headers=UserResource.Meta.fields)),
        (MembershipResource, tablib.Dataset(*members, headers=MembershipResource.Meta.fields)),
        (EnrollmentResource, tablib.Dataset(*places, headers=EnrollmentResource.Meta.fields)),
        (GuardianshipResource, tablib.Dataset(*links, headers=GuardianshipResource.Meta.fields)),
    ]

    def run():
        for resource, dataset in datasets:
            result = resource().import_data(dataset, raise_errors=True)
            assert not result.has_errors()

    return run


def fresh_centre():
    """Wipe what the previous side imported and return the demo centre with the bench classes."""
    from portal.accounts.models import User
    from portal.centres.models import Centre
    from portal.classes.models import SchoolClass

    User.objects.filter(email__endswith="@bench.example").delete()
    centre = Centre.objects.get(slug="riverside")
    SchoolClass.objects.bulk_create(
        [SchoolClass(centre=centre, code=f"B{n:02d}", name=f"Bench {n}") for n in range(CLASSES)],
        ignore_conflicts=True,
    )
    return centre


def our_run(students: int, meter=measure):
    rows = roster_rows(students)
    centre = fresh_centre()
    steps = ours(centre, roster_csv(rows))
    measured = meter(next(steps))
    next(steps, None)
    return measured


def measure_all() -> list[Row]:
    rows = roster_rows(STUDENTS)
    untraced = our_run(STUDENTS, timed)
    mine = our_run(STUDENTS)
    small = our_run(STUDENTS // 4)
    theirs = measure(baseline(fresh_centre(), rows))
    name = f"roster_import_{STUDENTS // 1000}k"
    return [
        Row(name, "seconds (both traced)", mine.seconds, theirs.seconds, higher_is_better=False),
        Row(
            name,
            "seconds untraced (baseline column: the 10 s target)",
            untraced,
            10.0,
            higher_is_better=False,
        ),
        Row(name, "peak MiB (tracemalloc)", mine.peak_mib, theirs.peak_mib, higher_is_better=False),
        Row(name, "SQL queries", mine.queries, theirs.queries, higher_is_better=False),
        Row(
            "roster_memory_growth",
            f"peak MiB, {STUDENTS // 4:,} vs {STUDENTS:,} students (ours)",
            mine.peak_mib,
            small.peak_mib,
            higher_is_better=False,
        ),
    ]


def run() -> list[Row]:
    return with_database(DATABASE, measure_all)
