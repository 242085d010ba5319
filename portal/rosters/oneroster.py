"""OneRoster 1.1 CSV bundles (the zip a school information system exports), read to the spec.

Files and columns follow the IMS OneRoster 1.1 CSV binding: `manifest.csv` says which files are
in the bundle ("bulk"), left out ("absent") or partial ("delta", which a roster import cannot
mirror, so it is refused). One school (an org of type "school") maps to the centre; classes,
enrollments and people of other schools in the bundle are left alone. Guardians are users with
role parent, guardian or relative, linked to students through `agentSourcedIds` (either way).
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from portal.rosters.formats import header_key
from portal.rosters.parsing import RosterFileError, read_csv
from portal.rosters.records import (
    RELATIONSHIPS,
    Checked,
    ClassRecord,
    GuardianRecord,
    PersonRecord,
    RowError,
    Source,
    check_cell,
    check_email,
)

REQUIRED_FILES = ("orgs", "users", "classes", "enrollments", "academicSessions", "courses")
GUARDIAN_ROLES = ("parent", "guardian", "relative")
#: Columns we read from each file (the spec's names); others in the file are ignored.
COLUMNS = {
    "orgs": ("sourcedId", "status", "name", "type"),
    "users": (
        "sourcedId",
        "status",
        "orgSourcedIds",
        "role",
        "givenName",
        "familyName",
        "email",
        "phone",
        "agentSourcedIds",
        "grades",
    ),
    "classes": (
        "sourcedId",
        "status",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "schoolSourcedId",
        "subjects",
    ),
    "courses": ("sourcedId", "status", "title"),
    "enrollments": (
        "sourcedId",
        "status",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
    ),
}
REQUIRED_COLUMNS = {
    "orgs": ("sourcedId", "name", "type"),
    "users": ("sourcedId", "role", "givenName", "familyName"),
    "classes": ("sourcedId", "title", "schoolSourcedId"),
    "courses": ("sourcedId", "title"),
    "enrollments": ("classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
}


@dataclass
class Row:
    source: Source
    cells: dict[str, str]


def split_ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Bundle:
    """The files of one bundle, read into rows keyed by the spec's column names."""

    def __init__(self, stream) -> None:
        try:
            self.zip = zipfile.ZipFile(stream)
        except zipfile.BadZipFile:
            raise RosterFileError("This is not a zip file.") from None
        self.members = {name.rsplit("/", 1)[-1]: name for name in self.zip.namelist()}
        if "manifest.csv" not in self.members:
            raise RosterFileError(
                "The zip has no manifest.csv, so it is not a OneRoster CSV bundle."
            )
        self.manifest = {
            row.cells["propertyName"]: row.cells["value"]
            for row in self.rows("manifest", ("propertyName", "value"), ("propertyName", "value"))
        }
        version = self.manifest.get("oneroster.version", "")
        if version != "1.1":
            raise RosterFileError(
                f"The manifest says OneRoster version “{version}”; this import reads 1.1."
            )
        for name in REQUIRED_FILES:
            mode = self.manifest.get(f"file.{name}", "absent")
            if mode == "delta":
                raise RosterFileError(
                    f"{name}.csv is a delta (changes only); export a bulk bundle instead."
                )
            if mode == "bulk" and f"{name}.csv" not in self.members:
                raise RosterFileError(f"The manifest lists {name}.csv but the zip lacks it.")
        for name in ("orgs", "users", "classes", "enrollments"):
            if self.manifest.get(f"file.{name}") != "bulk":
                raise RosterFileError(f"The bundle must include {name}.csv.")

    def rows(self, name: str, columns=None, required=None) -> Iterator[Row]:
        columns = columns or COLUMNS[name]
        required = required or REQUIRED_COLUMNS[name]
        sheet = f"{name}.csv"
        if sheet not in self.members:
            return
        with self.zip.open(self.members[sheet]) as member:
            table = read_csv(io.BytesIO(member.read()))
        wanted = {header_key(column): column for column in columns}
        positions = {
            wanted[header_key(header)]: index
            for index, header in enumerate(table.headers)
            if header_key(header) in wanted
        }
        if missing := [column for column in required if column not in positions]:
            raise RosterFileError(f"{sheet} lacks the column(s) {', '.join(missing)}.")
        for number, cells in table.rows:
            values = {c: cells[i] if i < len(cells) else "" for c, i in positions.items()}
            if values.get("status", "active").lower() == "tobedeleted":
                continue
            yield Row(Source(number, sheet), values)


class OneRosterReader:
    """Turns a bundle into the class, teacher and student records the writer takes."""

    def __init__(self, stream, *, school: str = "") -> None:
        self.bundle = Bundle(stream)
        self.school = self._school(school)
        self.errors: list[RowError] = []

    def _school(self, wanted: str) -> str:
        schools = [
            row.cells["sourcedId"]
            for row in self.bundle.rows("orgs")
            if row.cells["type"].lower() == "school"
        ]
        if wanted:
            if wanted not in schools:
                raise RosterFileError(f"orgs.csv has no school with sourcedId “{wanted}”.")
            return wanted
        if len(schools) != 1:
            raise RosterFileError(
                "orgs.csv lists "
                + (f"{len(schools)} schools ({', '.join(schools)})" if schools else "no school")
                + "; enter the sourcedId of this centre's school."
            )
        return schools[0]

    def classes(self) -> list[Checked]:
        courses = {
            row.cells["sourcedId"]: row.cells["title"] for row in self.bundle.rows("courses")
        }
        checked = []
        self.class_codes: dict[str, str] = {}
        for row in self.bundle.rows("classes"):
            cells = row.cells
            if cells["schoolSourcedId"] != self.school:
                continue
            code = (cells.get("classCode") or cells["sourcedId"]).upper()
            errors = self._cell_errors(row, {"classCode": code, "sourcedId": cells["sourcedId"]})
            if len(code) > 32:
                errors.append(row.source.error("classCode", "At most 32 characters.", code))
            self.class_codes[cells["sourcedId"]] = code
            record = ClassRecord(
                source=row.source,
                code=code,
                name=cells["title"] or courses.get(cells.get("courseSourcedId", ""), code),
                subject=", ".join(split_ids(cells.get("subjects", ""))) or None,
                year_group=", ".join(split_ids(cells.get("grades", ""))) or None,
                external_id=cells["sourcedId"],
            )
            checked.append(Checked(None if errors else record, errors))
        return checked

    def _cell_errors(self, row: Row, cells: dict[str, str]) -> list[RowError]:
        errors = []
        for column, value in cells.items():
            key = "class_code" if column == "classCode" else "class_id"
            if value and (reason := check_cell(key, value)):
                errors.append(row.source.error(column, reason, value))
        return errors

    def people(self) -> tuple[list[Checked], list[Checked]]:
        """(teachers, students) of this school, with their class codes and guardians."""
        placements: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in self.bundle.rows("enrollments"):
            code = self.class_codes.get(row.cells["classSourcedId"])
            if row.cells["schoolSourcedId"] == self.school and code:
                placements[row.cells["role"].lower()][row.cells["userSourcedId"]].append(code)
        users = {row.cells["sourcedId"]: row for row in self.bundle.rows("users")}
        agents: dict[str, set[str]] = defaultdict(set)
        for user_id, row in users.items():
            role = row.cells["role"].lower()
            for other in split_ids(row.cells.get("agentSourcedIds", "")):
                if role == "student":
                    agents[user_id].add(other)
                elif role in GUARDIAN_ROLES:
                    agents[other].add(user_id)
        teachers, students = [], []
        for user_id, row in users.items():
            role = row.cells["role"].lower()
            if role not in ("student", "teacher"):
                continue
            at_school = self.school in split_ids(row.cells.get("orgSourcedIds", ""))
            codes = placements[role].get(user_id)
            if not at_school and codes is None:
                continue
            guardians = None
            if role == "student":
                guardians = [self._guardian(users.get(a), a, row) for a in sorted(agents[user_id])]
            person = self._person(row, codes or [], guardians)
            (students if role == "student" else teachers).append(person)
        return teachers, students

    def _person(self, row: Row, codes: list[str], guardians) -> Checked:
        cells = row.cells
        errors = self._email_errors(row)
        found = [g for g in guardians or () if isinstance(g, GuardianRecord)]
        errors += [g for g in guardians or () if isinstance(g, RowError)]
        record = PersonRecord(
            source=row.source,
            external_id=cells["sourcedId"],
            email=cells.get("email", "").lower(),
            first_name=cells["givenName"],
            last_name=cells["familyName"],
            phone=cells.get("phone") or None,
            year_group=", ".join(split_ids(cells.get("grades", ""))) or None,
            class_codes=list(dict.fromkeys(codes)),
            guardians=found if guardians is not None else None,
        )
        return Checked(None if errors else record, errors)

    def _email_errors(self, row: Row) -> list[RowError]:
        email = row.cells.get("email", "")
        if not email:
            return [row.source.error("email", "The portal signs people in by e-mail; add one.")]
        if reason := check_email(email):
            return [row.source.error("email", reason, email)]
        return []

    def _guardian(self, row: Row | None, agent_id: str, student: Row) -> GuardianRecord | RowError:
        if row is None or row.cells["role"].lower() not in GUARDIAN_ROLES:
            return student.source.error(
                "agentSourcedIds",
                "No parent or guardian with this sourcedId in users.csv.",
                agent_id,
            )
        if errors := self._email_errors(row):
            return errors[0]
        return GuardianRecord(
            source=row.source,
            email=row.cells["email"].lower(),
            first_name=row.cells["givenName"],
            last_name=row.cells["familyName"],
            phone=row.cells.get("phone") or None,
            relationship=RELATIONSHIPS[row.cells["role"].lower()],
            external_id=row.cells["sourcedId"],
        )
