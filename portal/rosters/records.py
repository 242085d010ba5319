"""What a roster says, whatever its format: classes and people, each with where it came from.

Readers turn rows into these records and report each problem with its row, column and a reason
a school admin can act on. Checks that need the database or the whole file live in the writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from portal.centres.models import Guardianship
from portal.rosters.formats import (
    COLUMNS_BY_KIND,
    GUARDIAN_SLOTS,
    ID_COLUMNS,
    Column,
    header_key,
    header_map,
)
from portal.rosters.parsing import RosterFileError, Table

# Excel shows long numbers as 1.2E+5 / 1.23457E+17: the exponent always has a sign, which
# keeps real class codes such as 7E1 apart.
SCIENTIFIC_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]\d+$")
CODE_SEPARATORS = re.compile(r"[\s,;|]+")
MAX_LENGTHS = {
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "phone": 32,
    "year_group": 32,
    "student_id": 64,
    "teacher_id": 64,
    "class_id": 64,
    "class_code": 32,
    "name": 120,
    "subject": 80,
}
RELATIONSHIPS = {choice.value: choice.value for choice in Guardianship.Relationship} | {
    "mother": "parent",
    "father": "parent",
    "relative": "other",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    value: str = ""
    sheet: str = ""

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Source:
    """Where a record came from: sheet (a file in a bundle), row and column prefix."""

    row: int
    sheet: str = ""
    prefix: str = ""

    def error(self, column: str, reason: str, value: str = "") -> RowError:
        return RowError(self.row, self.prefix + column, reason, value, self.sheet)


@dataclass
class GuardianRecord:
    source: Source
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    relationship: str = Guardianship.Relationship.PARENT
    external_id: str = ""

    @property
    def key(self) -> str:
        """Who this guardian is across the file's rows: their id if the file gives one."""
        return self.external_id or self.email

    @property
    def label(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} <{self.email}>" if name else self.email


@dataclass
class PersonRecord:
    """A student or teacher row. None means "the file does not say": that detail is kept."""

    source: Source
    external_id: str
    email: str
    first_name: str
    last_name: str
    phone: str | None = None
    year_group: str | None = None
    class_codes: list[str] | None = None
    guardians: list[GuardianRecord] | None = None

    @property
    def label(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.external_id})" if self.external_id else name or self.email


@dataclass
class ClassRecord:
    source: Source
    code: str
    name: str
    subject: str | None = None
    year_group: str | None = None
    external_id: str | None = None


@dataclass
class Checked:
    """A record, or the problems that kept a row from becoming one."""

    record: PersonRecord | ClassRecord | None
    errors: list[RowError] = field(default_factory=list)


def check_cell(column: str, value: str) -> str | None:
    """Why a cell cannot be trusted as typed, or None."""
    if value.startswith("="):
        return "Looks like a spreadsheet formula; type the value itself (formulas are not run)."
    if column in ID_COLUMNS and SCIENTIFIC_NUMBER.match(value):
        return (
            "Looks like an id Excel turned into a number (scientific notation); format the "
            "column as Text in the spreadsheet and export again."
        )
    limit = MAX_LENGTHS.get(column.split("_", 1)[1] if column.startswith("guardian") else column)
    if limit and len(value) > limit:
        return f"Longer than {limit} characters."
    return None


def check_email(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return "Not a valid e-mail address."
    return None


def split_codes(value: str) -> list[str]:
    return list(dict.fromkeys(code.upper() for code in CODE_SEPARATORS.split(value) if code))


def check_codes(source: Source, codes: list[str], errors: list[RowError]) -> None:
    limit = MAX_LENGTHS["class_code"]
    for code in codes:
        if len(code) > limit:
            errors.append(
                source.error("classes", f"Class codes are at most {limit} characters.", code)
            )


class RowReader:
    """Maps a table's headers onto a kind's columns, then reads each row into cells by name."""

    def __init__(self, table: Table, kind: str, sheet: str = "") -> None:
        self.columns: tuple[Column, ...] = COLUMNS_BY_KIND[kind]
        self.sheet = sheet
        known = header_map(self.columns)
        self.positions: dict[str, int] = {}
        for position, header in enumerate(table.headers):
            name = known.get(header_key(header))
            if name and name not in self.positions:
                self.positions[name] = position
        missing = [c.name for c in self.columns if c.required and c.name not in self.positions]
        if missing:
            raise RosterFileError(
                "Missing required column(s): "
                + ", ".join(missing)
                + ". Download the template to see the expected headers."
            )
        self.table = table

    def has(self, name: str) -> bool:
        return name in self.positions

    def rows(self) -> Iterator[tuple[Source, dict[str, str], list[RowError]]]:
        for number, cells in self.table.rows:
            source = Source(number, self.sheet)
            values, errors = {}, []
            for name, position in self.positions.items():
                value = cells[position] if position < len(cells) else ""
                values[name] = value
                if value and (reason := check_cell(name, value)):
                    errors.append(source.error(name, reason, value))
            for column in self.columns:
                if (
                    column.required
                    and not values.get(column.name)
                    and column.name not in {e.column for e in errors}
                ):
                    errors.append(source.error(column.name, "Required; this cell is empty."))
            if values.get("email") and (reason := check_email(values["email"])):
                errors.append(source.error("email", reason, values["email"]))
            yield source, values, errors


def _guardians(source: Source, values: dict[str, str], errors: list[RowError]):
    guardians = []
    for slot in GUARDIAN_SLOTS:
        prefix = f"guardian{slot}_"
        cells = {
            key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)
        }
        if not any(cells.values()):
            continue
        guardian_source = Source(source.row, source.sheet, prefix)
        email = cells.get("email", "").lower()
        if not email:
            errors.append(guardian_source.error("email", "A guardian needs an e-mail address."))
            continue
        if reason := check_email(email):
            errors.append(guardian_source.error("email", reason, email))
            continue
        if email in {g.email for g in guardians}:
            errors.append(
                guardian_source.error("email", "The same person as the other guardian.", email)
            )
            continue
        relationship = cells.get("relationship", "").lower() or Guardianship.Relationship.PARENT
        if relationship not in RELATIONSHIPS:
            errors.append(
                guardian_source.error(
                    "relationship", "Use parent, guardian, carer or other.", relationship
                )
            )
            continue
        guardians.append(
            GuardianRecord(
                source=guardian_source,
                email=email,
                first_name=cells.get("first_name", ""),
                last_name=cells.get("last_name", ""),
                phone=cells.get("phone") if "phone" in cells else None,
                relationship=RELATIONSHIPS[relationship],
            )
        )
    return guardians


def read_people(table: Table, kind: str) -> Iterator[Checked]:
    """Students (with guardians) or teachers from our own roster format."""
    reader = RowReader(table, kind)
    id_column = "student_id" if kind == "students" else "teacher_id"
    has_guardians = any(reader.has(f"guardian{slot}_email") for slot in GUARDIAN_SLOTS)
    for source, values, errors in reader.rows():
        guardians = _guardians(source, values, errors) if has_guardians else None
        codes = split_codes(values["classes"]) if reader.has("classes") else None
        check_codes(source, codes or [], errors)
        if errors:
            yield Checked(None, errors)
            continue
        yield Checked(
            PersonRecord(
                source=source,
                external_id=values.get(id_column, ""),
                email=values["email"].lower(),
                first_name=values["first_name"],
                last_name=values["last_name"],
                phone=values["phone"] if reader.has("phone") else None,
                year_group=values["year_group"] if reader.has("year_group") else None,
                class_codes=codes,
                guardians=guardians,
            )
        )


def read_classes(table: Table) -> Iterator[Checked]:
    reader = RowReader(table, "classes")
    for source, values, errors in reader.rows():
        if errors:
            yield Checked(None, errors)
            continue
        yield Checked(
            ClassRecord(
                source=source,
                code=values["class_code"].upper(),
                name=values["name"],
                subject=values["subject"] if reader.has("subject") else None,
                year_group=values["year_group"] if reader.has("year_group") else None,
                external_id=values["class_id"] if reader.has("class_id") else None,
            )
        )
