"""Fixtures for roster imports: roster files built in memory, uploads through the service, and a
fingerprint of everything an import may touch (to prove that a refused import wrote nothing)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts.models import User
from portal.centres.models import Guardianship, Membership
from portal.classes.models import Enrollment, SchoolClass
from portal.rosters import services
from portal.rosters.formats import STUDENT_COLUMNS
from portal.rosters.models import RosterImport, StudentYearGroup

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
