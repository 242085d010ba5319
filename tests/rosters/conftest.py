"""Fixtures for roster imports: roster files built in memory, uploads through the service, the
admin and the API, and a fingerprint of everything an import may touch (to prove that a refused
import wrote nothing)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import User
from portal.centres.models import Centre, Guardianship, Membership
from portal.classes.models import Enrollment, SchoolClass
from portal.rosters import services
from portal.rosters.formats import STUDENT_COLUMNS
from portal.rosters.models import RosterImport, StudentYearGroup
from portal.rosters.tasks import roster_import_run

RIVERSIDE_ADMIN = "admin@riverside.example"
HEADERS = [column.name for column in STUDENT_COLUMNS]


def student_row(n: int, classes: str = "7M1 7E1", **overrides) -> dict[str, str]:
    row = dict.fromkeys(HEADERS, "")
    row.update(
        student_id=f"S{n:04d}",
        first_name="Pupil",
        last_name=f"Number {n}",
        email=f"pupil{n}@families.example",
        year_group="Year 7",
        classes=classes,
        guardian1_first_name="Carer",
        guardian1_last_name=f"Of {n}",
        guardian1_email=f"carer{n}@families.example",
        guardian1_phone=f"+44 7700 9{n:05d}",
        guardian1_relationship="parent",
    )
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], *, delimiter=",", encoding="utf-8", headers=None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    headers = headers or list(rows[0]) if rows else headers or HEADERS
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def fingerprint() -> dict[str, list]:
    """Every row an import could write, in a comparable form."""
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "first_name", "last_name", "phone"
            )
        ),
        "members": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "user_id", "centre_id", "role", "external_id", "is_active"
            )
        ),
        "links": list(
            Guardianship.objects.order_by("pk").values_list(
                "pk", "guardian_id", "student_id", "relationship"
            )
        ),
        "classes": list(
            SchoolClass.objects.order_by("pk").values_list(
                "pk", "centre_id", "code", "name", "subject", "year_group", "external_id"
            )
        ),
        "teaching": list(
            SchoolClass.teachers.through.objects.order_by("pk").values_list(
                "pk", "user_id", "schoolclass_id"
            )
        ),
        "enrollments": list(
            Enrollment.objects.order_by("pk").values_list(
                "pk", "student_id", "school_class_id", "starts_on", "ends_on"
            )
        ),
        "year_groups": list(
            StudentYearGroup.objects.order_by("pk").values_list("pk", "year_group")
        ),
    }


@pytest.fixture(autouse=True)
def forget_uploaded_files(db):
    """The database rolls back after each test; the private files it uploaded go too."""
    last = RosterImport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    for roster_import in RosterImport.objects.filter(pk__gt=last):
        roster_import.source_file.delete(save=False)


@pytest.fixture
def centre_admin(person):
    return person(RIVERSIDE_ADMIN)


@pytest.fixture
def upload(riverside, centre_admin):
    """upload(content, kind="students", name="roster.csv", **options) → the checked RosterImport."""

    def run(content: bytes, kind: str = "students", name: str = "roster.csv", **options):
        options.setdefault("centre", riverside)
        options.setdefault("by", centre_admin)
        return services.roster_import_upload(
            kind=kind, upload=SimpleUploadedFile(name, content), **options
        )

    return run


@pytest.fixture
def confirm(centre_admin):
    def run(roster_import: RosterImport) -> RosterImport:
        return services.roster_import_confirm(roster_import=roster_import, by=centre_admin)

    return run


@pytest.fixture
def as_worker():
    """as_worker(roster_import) → the import after the task a worker runs for it, run here, in
    the test's transaction (a worker process cannot see rows the test has not committed; the
    tests marked with `live_worker_queue` send it to a real one)."""

    def run(roster_import: RosterImport) -> RosterImport:
        assert roster_import.is_running and roster_import.task_id, roster_import.status
        roster_import_run.apply(args=[roster_import.pk], task_id=roster_import.task_id)
        roster_import.refresh_from_db()
        return roster_import

    return run


@pytest.fixture
def check_bundle(upload, as_worker):
    """check_bundle(content, school="sch-1") → a OneRoster bundle's import, uploaded (the web
    process hands it to a worker) and checked as the worker checks it."""

    def run(content: bytes, school: str = "sch-1") -> RosterImport:
        handed_over = upload(
            content, kind=RosterImport.Kind.ONEROSTER, name="b.zip", oneroster_school=school
        )
        assert handed_over.status == RosterImport.Status.CHECKING, handed_over.row_errors
        return as_worker(handed_over)

    return run


def admin_upload(client, content: bytes, name: str = "roster.csv", **fields):
    """POST the admin's upload form for Riverside."""
    data = {
        "centre": Centre.objects.get(slug="riverside").pk,
        "kind": "students",
        "mode": "update",
        "oneroster_school": "",
        "source_file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(reverse("roster_imports:add"), data)


@pytest.fixture
def api(centre_admin) -> APIClient:
    """An API client signed in as Riverside's admin."""
    client = APIClient()
    client.force_authenticate(centre_admin)
    return client


def api_upload(api: APIClient, content: bytes, name: str = "roster.csv", **fields):
    data = {
        "centre": Centre.objects.get(slug="riverside").pk,
        "kind": "students",
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return api.post("/api/v1/roster-imports/", data, format="multipart")
