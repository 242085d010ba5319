"""API speed: three hot endpoints served by gunicorn, beside raw `values()` + JsonResponse views
returning the same data, in the same run, against the same database.

Data: one centre with 500 students (each in 4 of 20 classes), 50 live homework per class,
a guardian per student, and one homework handed in by its whole class (100 submissions) for
the teacher's inbox, then ANALYZE so both sides are planned on real statistics. Load: wrk on
loopback, one endpoint at a time, each side warmed up (connections, caches) before it is measured.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass

from bench.harness import Row, start_server, with_database

DATABASE = "bench_api_school_portal"
STUDENTS, CLASSES, CLASSES_PER_STUDENT, HOMEWORK_PER_CLASS = 500, 20, 4, 50
SECONDS = int(os.environ.get("BENCH_API_SECONDS", "10"))
WARM_UP_SECONDS = int(os.environ.get("BENCH_API_WARM_UP_SECONDS", "2"))


def build_school() -> dict[str, str]:
    """Bulk-create the data; returns whom to measure as (a student, a guardian, a teacher) and
    the homework whose submissions the teacher lists."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.centres.models import Centre, Guardianship, Membership, Role
    from portal.classes.models import Enrollment, SchoolClass
    from portal.homework.models import Homework
    from portal.submissions.models import Submission

    centre = Centre.objects.get(slug="riverside")
    password = make_password("portal-demo")
    students = User.objects.bulk_create(
        User(email=f"pupil{n}@api.bench", first_name="Pupil", last_name=str(n), password=password)
        for n in range(STUDENTS)
    )
    parents = User.objects.bulk_create(
        User(email=f"carer{n}@api.bench", first_name="Carer", last_name=str(n), password=password)
        for n in range(STUDENTS)
    )
    Membership.objects.bulk_create(
        [Membership(user=u, centre=centre, role=Role.STUDENT) for u in students]
        + [Membership(user=u, centre=centre, role=Role.GUARDIAN) for u in parents]
    )
    Guardianship.objects.bulk_create(
        Guardianship(centre=centre, guardian=p, student=s)
        for s, p in zip(students, parents, strict=True)
    )
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(centre=centre, code=f"API{n:02d}", name=f"Bench class {n}")
        for n in range(CLASSES)
    )
    Enrollment.objects.bulk_create(
        Enrollment(school_class=classes[(i + k) % CLASSES], student=s)
        for i, s in enumerate(students)
        for k in range(CLASSES_PER_STUDENT)
    )
    teacher = User.objects.create(
        email="teacher@api.bench", first_name="Bench", last_name="Teacher", password=password
    )
    Membership.objects.create(user=teacher, centre=centre, role=Role.TEACHER)
    classes[0].teachers.add(teacher)
    now = timezone.now()
    homework = Homework.objects.bulk_create(
        Homework(
            school_class=c,
            title=f"Exercise {k} for {c.code}",
            instructions="<p>Read pages 10 to 14 and answer the questions at the end.</p>",
            due_at=now + dt.timedelta(days=k % 14, hours=k),
            max_points=10,
            live=True,
        )
        for c in classes
        for k in range(HOMEWORK_PER_CLASS)
    )
    # Everyone in the first class has handed in its first homework.
    marked = homework[0]
    in_class = Enrollment.objects.filter(school_class=classes[0]).values_list("student", flat=True)
    Submission.objects.bulk_create(
        Submission(homework=marked, student_id=student, text="My answers.", submitted_at=now)
        for student in in_class
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # bulk inserts leave the planner with empty-table statistics
    return {
        "student": students[0].email,
        "guardian": parents[0].email,
        "teacher": teacher.email,
        "homework": str(marked.pk),
    }


def access_token(email: str) -> str:
    from rest_framework_simplejwt.tokens import RefreshToken

    from portal.accounts.models import User

    return str(RefreshToken.for_user(User.objects.get(email=email)).access_token)


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(url: str, token: str, seconds: int = SECONDS) -> Load:
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c8",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in result:
        raise RuntimeError(f"{url} answered errors under load:\n{result}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", result).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", result).group(1))
    return Load(rps, p50, p99)


def serve(port: int) -> subprocess.Popen:
    return start_server(
        "gunicorn",
        ["portal.wsgi:application", "-b", f"127.0.0.1:{port}", "--workers", "2"],
        port,
    )


ENDPOINTS = {
    # name: (who, our path, baseline path); {homework} is the marked homework's id
    "api_student_homework_list": ("student", "/api/v1/homework/", "/raw/homework/"),
    "api_teacher_submissions_list": (
        "teacher",
        "/api/v1/submissions/?homework={homework}",
        "/raw/submissions/?homework={homework}",
    ),
    "api_guardian_children": ("guardian", "/api/v1/children/", "/raw/children/"),
}


def measure_all() -> list[Row]:
    people = build_school()
    port = 18123
    server = serve(port)
    rows = []
    try:
        for name, (who, ours_path, raw_path) in ENDPOINTS.items():
            token = access_token(people[who])
            ours_url = f"http://127.0.0.1:{port}{ours_path.format(**people)}"
            raw_url = f"http://127.0.0.1:{port}{raw_path.format(**people)}"
            for url in (ours_url, raw_url):
                load(url, token, seconds=WARM_UP_SECONDS)
            ours = load(ours_url, token)
            raw = load(raw_url, token)
            rows += [
                Row(name, "requests/s", ours.requests_per_second, raw.requests_per_second),
                Row(name, "p50 ms", ours.p50_ms, raw.p50_ms, higher_is_better=False),
                Row(name, "p99 ms", ours.p99_ms, raw.p99_ms, higher_is_better=False),
            ]
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


def run() -> list[Row]:
    return with_database(DATABASE, measure_all)
