"""Rosters out: a centre's students, teachers or classes in the same columns the import reads,
so an export edited in a spreadsheet imports back. Also the blank templates and error reports."""

from __future__ import annotations

from collections import defaultdict

import tablib

from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.rosters.formats import COLUMNS_BY_KIND, GUARDIAN_FIELDS, GUARDIAN_SLOTS
from portal.rosters.models import RosterImport

FORMULA_STARTS = ("=", "+", "-", "@")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text: anything that could run as a formula is quoted."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not text[1:].replace(" ", "").isdigit():
        return "'" + text
    return text


def _dataset(kind: str, rows) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[column.name for column in COLUMNS_BY_KIND[kind]])
    for row in rows:
        dataset.append([spreadsheet_safe(value) for value in row])
    return dataset


def roster_template(kind: str) -> tablib.Dataset:
    """The headers of a roster file and one example row."""
    return _dataset(kind, [[column.example for column in COLUMNS_BY_KIND[kind]]])


def _codes_by_person(centre: Centre, role: str) -> dict[int, list[str]]:
    codes = defaultdict(list)
    if role == Role.STUDENT:
        rows = Enrollment.objects.current().filter(school_class__centre=centre)
        pairs = rows.values_list("student_id", "school_class__code")
    else:
        pairs = SchoolClass.teachers.through.objects.filter(schoolclass__centre=centre).values_list(
            "user_id", "schoolclass__code"
        )
    for user_id, code in pairs.order_by("pk"):
        codes[user_id].append(code)
    return codes


def _guardians_by_student(centre: Centre) -> dict[int, list[list[str]]]:
    found = defaultdict(list)
    links = (
        Guardianship.objects.filter(centre=centre)
        .order_by("student_id", "pk")
        .values_list(
            "student_id",
            "guardian__first_name",
            "guardian__last_name",
            "guardian__email",
            "guardian__phone",
            "relationship",
        )
    )
    for student_id, *details in links:
        found[student_id].append(details)
    return found


def roster_export(*, centre: Centre, kind: str) -> tablib.Dataset:
    """The centre's current roster of `kind` (students, teachers or classes), active people only."""
    if kind == RosterImport.Kind.CLASSES:
        classes = SchoolClass.objects.filter(centre=centre).order_by("code")
        return _dataset(
            kind,
            classes.values_list("code", "name", "subject", "year_group", "external_id"),
        )
    role = Role.STUDENT if kind == RosterImport.Kind.STUDENTS else Role.TEACHER
    members = (
        Membership.objects.filter(centre=centre, role=role, is_active=True)
        .select_related("user", "year_group")
        .order_by("user__last_name", "user__first_name")
    )
    codes = _codes_by_person(centre, role)
    guardians = _guardians_by_student(centre) if role == Role.STUDENT else {}
    return _dataset(kind, (_person_row(m, codes, guardians) for m in members))


def _person_row(membership: Membership, codes, guardians) -> list:
    user = membership.user
    classes = " ".join(codes.get(user.pk, []))
    if membership.role == Role.TEACHER:
        return [
            membership.external_id,
            user.first_name,
            user.last_name,
            user.email,
            user.phone,
            classes,
        ]
    year_group = getattr(membership, "year_group", None)
    row = [
        membership.external_id,
        user.first_name,
        user.last_name,
        user.email,
        year_group.year_group if year_group else "",
        classes,
    ]
    linked = guardians.get(user.pk, [])
    for slot in GUARDIAN_SLOTS:
        details = linked[slot - 1] if len(linked) >= slot else [""] * len(GUARDIAN_FIELDS)
        row.extend(details)
    return row


def roster_errors(roster_import: RosterImport) -> tablib.Dataset:
    """Every problem found in an import, as a sheet to work through beside the original."""
    dataset = tablib.Dataset(headers=["file", "row", "column", "value", "problem"])
    for error in roster_import.row_errors:
        dataset.append(
            [
                spreadsheet_safe(error["sheet"]),
                error["row"] or "",
                spreadsheet_safe(error["column"]),
                spreadsheet_safe(error["value"]),
                spreadsheet_safe(error["reason"]),
            ]
        )
    return dataset
