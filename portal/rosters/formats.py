"""The columns of our own roster files, in one place: parsing, templates, exports and docs use it.

Header names are matched ignoring case, spaces, underscores and hyphens ("Student ID",
"student_id" and "STUDENTID" are the same column). Optional columns left out of a file leave
that detail untouched; a column present but empty clears nothing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    help: str = ""


def header_key(name: str) -> str:
    """Case, spacing and punctuation of a header don't matter."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lower())


GUARDIAN_FIELDS = ("first_name", "last_name", "email", "phone", "relationship")
GUARDIAN_SLOTS = (1, 2)


def _guardian_columns(slot: int) -> tuple[Column, ...]:
    examples = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam.okafor@example.com",
        "phone": "+44 7700 900123",
        "relationship": "parent",
    }
    return tuple(
        Column(
            f"guardian{slot}_{field}",
            example=examples[field] if slot == 1 else "",
            help=f"Guardian {slot}: {field.replace('_', ' ')}"
            + (" (parent, guardian, carer or other)" if field == "relationship" else ""),
        )
        for field in GUARDIAN_FIELDS
    )


CLASSES_COLUMN = Column(
    "classes",
    aliases=("class_codes", "class_code", "class"),
    example="7M1 7E1",
    help="Class codes, separated by spaces, commas or |",
)

STUDENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "student_id",
        False,
        ("student_number", "id"),
        "S0001",
        "The school's id for the student; matched first, then the e-mail",
    ),
    Column("first_name", True, ("given_name", "forename"), "Amira"),
    Column("last_name", True, ("family_name", "surname"), "Okafor"),
    Column("email", True, ("email_address",), "amira.okafor@example.com"),
    Column("year_group", False, ("year", "grade"), "Year 7"),
    CLASSES_COLUMN,
    *_guardian_columns(1),
    *_guardian_columns(2),
)

TEACHER_COLUMNS: tuple[Column, ...] = (
    Column(
        "teacher_id",
        False,
        ("staff_id", "id"),
        "T001",
        "The school's id for the teacher; matched first, then the e-mail",
    ),
    Column("first_name", True, ("given_name", "forename"), "Daniel"),
    Column("last_name", True, ("family_name", "surname"), "Reyes"),
    Column("email", True, ("email_address",), "d.reyes@example.com"),
    Column("phone", False, (), "+44 20 7946 0000"),
    Column(CLASSES_COLUMN.name, False, CLASSES_COLUMN.aliases, "7M1", "Classes they teach"),
)

CLASS_COLUMNS: tuple[Column, ...] = (
    Column("class_code", True, ("code",), "7M1", "Unique within the centre, up to 32 characters"),
    Column("name", True, ("class_name", "title"), "Year 7 Maths"),
    Column("subject", False, (), "Mathematics"),
    Column("year_group", False, ("year", "grade"), "Year 7"),
    Column("class_id", False, ("external_id",), "C-7M1", "The class's id in the school's system"),
)

COLUMNS_BY_KIND: dict[str, tuple[Column, ...]] = {
    "students": STUDENT_COLUMNS,
    "teachers": TEACHER_COLUMNS,
    "classes": CLASS_COLUMNS,
}
#: Columns whose values are ids: checked for Excel's number mangling.
ID_COLUMNS = frozenset({"student_id", "teacher_id", "class_id", "class_code", "classes"})


def header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """header_key → canonical column name, aliases included."""
    found: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            found.setdefault(header_key(name), column.name)
    return found
