"""The guard against the whole class of identity bugs: nothing writes a person's e-mail, names
or phone for a centre except `portal.centres.identity`, and every way a centre brings people in
leaves accounts it does not own exactly as they were."""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.accounts.models import User
from portal.centres.identity import IDENTITY_FIELDS
from portal.centres.models import Role
from portal.people import services as people_services
from portal.rosters import services as roster_services
from tests.rosters.conftest import csv_bytes, student_row

PORTAL = Path(__file__).resolve().parents[2] / "portal"
#: Where identity fields may be written: the centre's rule, and the owner's own settings (the
#: account's own API and allauth's e-mail change, which the owner confirms).
ALLOWED = {"centres/identity.py", "accounts/services.py", "accounts/api/views.py"}
#: Single lines that look like identity writes and are not, and why.
NOT_IDENTITY = {
    "accounts/models.py": "self.email = self.email.strip().lower()",  # the model normalises
    "people/services.py": "invitation.email = ",  # the address an invitation was sent to
}


def _identity_writes(tree: ast.AST) -> list[int]:
    """Lines that assign an identity field, write one with update()/bulk_update(), or
    setattr() one by name."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr in IDENTITY_FIELDS for t in targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name == "update" and any(k.arg in IDENTITY_FIELDS for k in node.keywords):
                lines.append(node.lineno)
            if name == "bulk_update" and any(
                isinstance(c, ast.Constant) and c.value in IDENTITY_FIELDS for c in ast.walk(node)
            ):
                lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in IDENTITY_FIELDS
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_identity_module_writes_identity_fields():
    found = []
    for path in sorted(PORTAL.rglob("*.py")):
        name = str(path.relative_to(PORTAL))
        if "/migrations/" in f"/{name}" or name in ALLOWED:
            continue
        source = path.read_text().splitlines()
        found += [
            f"{name}:{line}"
            for line in _identity_writes(ast.parse("\n".join(source)))
            if NOT_IDENTITY.get(name, "\0") not in source[line - 1]
        ]
    assert found == [], "write identity fields through portal.centres.identity"


def test_the_scan_sees_each_way_of_writing():
    """A control: each form of write is found."""
    code = (
        "user.email = x\n"
        "User.objects.filter(pk=1).update(first_name='a')\n"
        "User.objects.bulk_update(users, ['phone'])\n"
        "setattr(user, 'last_name', 'b')\n"
        "school_class.name = 'fine'\n"
    )
    assert _identity_writes(ast.parse(code)) == [1, 2, 3, 4]


VICTIMS = {
    "platform admin": "admin@example.com",
    "another centre's parent": "parent4@hillcrest.example",
    "another centre's pupil": "student5@hillcrest.example",
}


def _details(email: str) -> tuple:
    return tuple(User.objects.filter(email=email).values_list(*IDENTITY_FIELDS).get())


def _roster(centre, admin, kind: str, content: bytes) -> None:
    checked = roster_services.roster_import_upload(
        centre=centre,
        kind=kind,
        upload=SimpleUploadedFile("roster.csv", content),
        by=admin,
    )
    if not checked.row_errors:
        roster_services.roster_import_confirm(roster_import=checked, by=admin)


def _as_student(centre, admin, email):
    row = student_row(9, email=email, first_name="Mallory", last_name="Renamed")
    _roster(centre, admin, "students", csv_bytes([row]))


def _as_guardian(centre, admin, email):
    row = student_row(9, guardian1_email=email, guardian1_first_name="Mallory")
    _roster(centre, admin, "students", csv_bytes([row]))


def _as_teacher(centre, admin, email):
    content = (
        b"teacher_id,first_name,last_name,email,phone,classes\r\n"
        + f"T-9,Mallory,Renamed,{email},+44 1,7M1\r\n".encode()
    )
    _roster(centre, admin, "teachers", content)


def _by_add_member(centre, admin, email):
    # Platform accounts are refused outright: nothing is written either way.
    with contextlib.suppress(ValidationError):
        people_services.person_add(
            centre=centre,
            role=Role.GUARDIAN,
            email=email,
            first_name="Mallory",
            last_name="Renamed",
            by=admin,
        )


def _through_the_api(centre, admin, email, api_for):
    api_for(admin.email).post(
        "/api/v1/members/",
        {"centre": centre.pk, "role": "student", "email": email, "first_name": "Mallory"},
        format="json",
    )


def _through_the_admin_form(centre, admin, email, client_for):
    client_for(admin.email).post(
        reverse("members:add"),
        {"centre": centre.pk, "role": Role.TEACHER, "email": email, "first_name": "Mallory"},
    )


WAYS_IN = {
    "roster of students": _as_student,
    "roster guardian column": _as_guardian,
    "roster of teachers": _as_teacher,
    "add member service": _by_add_member,
}


@pytest.mark.django_db
@pytest.mark.parametrize("victim", VICTIMS.values(), ids=list(VICTIMS))
@pytest.mark.parametrize("way_in", [*WAYS_IN, "api", "admin form"])
def test_no_way_in_writes_an_account_the_centre_does_not_own(
    way_in, victim, riverside, person, api_for, client_for
):
    before = _details(victim)
    admin = person("admin@riverside.example")
    if way_in == "api":
        _through_the_api(riverside, admin, victim, api_for)
    elif way_in == "admin form":
        _through_the_admin_form(riverside, admin, victim, client_for)
    else:
        WAYS_IN[way_in](riverside, admin, victim)
    assert _details(victim) == before
