"""OneRoster 1.1 CSV bundles (the zip a school information system exports), read to the spec.

Files and columns follow the IMS OneRoster 1.1 CSV binding: `manifest.csv` says which files are
in the bundle ("bulk"), left out ("absent") or partial ("delta", which a roster import cannot
mirror, so it is refused). One school (an org of type "school") maps to the centre; classes,
enrollments and people of other schools in the bundle are left alone. Guardians are users with
role parent, guardian or relative, linked to students through `agentSourcedIds` (either way).

The files must agree with each other: an enrollment names a class in classes.csv, a user in
users.csv and the role that user has; a user of this school has one of the spec's roles; an
`agentSourcedIds` names a user in users.csv. A row that breaks this is a problem on that row,
never a row quietly left out. A row with status "tobedeleted" is skipped, and so are the rows
that name it.

Only a worker unpacks a bundle (see services); the web process checks no more than its zip's
directory, with bundle_check().
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO
from zipfile import ZipFile, ZipInfo

from portal.rosters.formats import header_key
from portal.rosters.parsing import (
    RosterFileError,
    file_type,
    member_name,
    open_zip,
    read_csv,
    unpacked,
)
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
IMPORTED_ROLES = ("student", "teacher")
#: The roles users.csv may give (the spec's list); administrators, aides and proctors are not
#: imported, but are not mistakes either.
USER_ROLES = frozenset({*IMPORTED_ROLES, *GUARDIAN_ROLES, "administrator", "aide", "proctor"})
#: The roles enrollments.csv may give.
ENROLLMENT_ROLES = frozenset({*IMPORTED_ROLES, "administrator", "proctor"})
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


def _members(archive: ZipFile) -> dict[str, ZipInfo]:
    members = {member_name(info): info for info in archive.infolist()}
    if "manifest.csv" not in members:
        raise RosterFileError("The zip has no manifest.csv, so it is not a OneRoster CSV bundle.")
    return members


def bundle_check(stream: IO[bytes]) -> None:
    """All the web process learns of a bundle before a worker unpacks it: that it is a zip
    within the limits, with a manifest.csv. Only the zip's directory is read."""
    if file_type(stream) != "zip":
        raise RosterFileError(
            "This is a spreadsheet or CSV file, not a OneRoster bundle: choose what it holds "
            "(students, teachers or a class list) instead."
        )
    try:
        with open_zip(stream) as archive:
            _members(archive)
    finally:
        stream.seek(0)


class Bundle:
    """The files of one bundle, read into rows keyed by the spec's column names. The files are
    unpacked (within the zip limits) when it opens, before anything reads or writes a row, and
    their copies go when it closes: use it in a `with` block."""

    def __init__(self, stream: IO[bytes]) -> None:
        #: file name ("users") → sourcedIds of its rows to be deleted, filled as rows are read.
        self.deleted: defaultdict[str, set[str]] = defaultdict(set)
        with open_zip(stream) as archive, ExitStack() as copies:
            members = _members(archive)
            manifest = copies.enter_context(unpacked(archive, members["manifest.csv"]))
            self.files: dict[str, IO[bytes]] = {"manifest.csv": manifest}
            self.manifest = {
                row.cells["propertyName"]: row.cells["value"]
                for row in self.rows(
                    "manifest", ("propertyName", "value"), ("propertyName", "value")
                )
            }
            self._check_manifest(members)
            for name in COLUMNS:
                if (sheet := f"{name}.csv") in members:
                    self.files[sheet] = copies.enter_context(unpacked(archive, members[sheet]))
            self._copies = copies.pop_all()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc_info) -> None:
        self._copies.close()

    def _check_manifest(self, members: dict[str, ZipInfo]) -> None:
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
            if mode == "bulk" and f"{name}.csv" not in members:
                raise RosterFileError(f"The manifest lists {name}.csv but the zip lacks it.")
        for name in ("orgs", "users", "classes", "enrollments"):
            if self.manifest.get(f"file.{name}") != "bulk":
                raise RosterFileError(f"The bundle must include {name}.csv.")

    def rows(self, name: str, columns=None, required=None) -> Iterator[Row]:
        columns = columns or COLUMNS[name]
        required = required or REQUIRED_COLUMNS[name]
        sheet = f"{name}.csv"
        if sheet not in self.files:
            return
        try:
            table = read_csv(self.files[sheet])
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
                    self.deleted[name].add(values.get("sourcedId", ""))
                    continue
                yield Row(Source(number, sheet), values)
        except RosterFileError as error:
            error.sheet = error.sheet or sheet
            raise


class OneRosterReader:
    """Turns a bundle into the class, teacher and student records the writer takes."""

    def __init__(self, bundle: Bundle, *, school: str = "") -> None:
        self.bundle = bundle
        self.school = self._school(school)
        #: Problems of rows that are no class or person: enrollments, links, unknown roles.
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
        users = {row.cells["sourcedId"]: row for row in self.bundle.rows("users")}
        placements = self._placements(users)
        agents = self._agents(users)
        enrolled = {user_id for by_user in placements.values() for user_id in by_user}
        deleted = self.bundle.deleted["users"]
        teachers, students = [], []
        for user_id, row in users.items():
            if not (self._at_school(row) or user_id in enrolled):
                continue
            role = row.cells["role"].lower()
            if role not in USER_ROLES:
                self.errors.append(self._role_error(row))
                continue
            if role not in IMPORTED_ROLES:
                continue
            guardians = None
            if role == "student":
                guardians = [
                    self._guardian(users.get(a), a, row) for a in sorted(agents[user_id] - deleted)
                ]
            person = self._person(row, placements[role].get(user_id, []), guardians)
            (students if role == "student" else teachers).append(person)
        return teachers, students

    def _at_school(self, row: Row) -> bool:
        return self.school in split_ids(row.cells.get("orgSourcedIds", ""))

    def _role_error(self, row: Row) -> RowError:
        role = row.cells["role"]
        if not role:
            return row.source.error("role", "Required; this cell is empty.")
        return row.source.error(
            "role", f"Not a OneRoster role; use one of {', '.join(sorted(USER_ROLES))}.", role
        )

    def _placements(self, users: dict[str, Row]) -> dict[str, dict[str, list[str]]]:
        """role → user → the codes of the classes this school's enrollments place them in."""
        placements: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        deleted = self.bundle.deleted
        for row in self.bundle.rows("enrollments"):
            cells = row.cells
            if cells["schoolSourcedId"] != self.school:
                continue
            class_id, user_id = cells["classSourcedId"], cells["userSourcedId"]
            if class_id in deleted["classes"] or user_id in deleted["users"]:
                continue
            if errors := self._enrollment_errors(row, users.get(user_id)):
                self.errors += errors
                continue
            placements[cells["role"].lower()][user_id].append(self.class_codes[class_id])
        return placements

    def _enrollment_errors(self, row: Row, user: Row | None) -> list[RowError]:
        cells = row.cells
        role = cells["role"].lower()
        errors = []
        if cells["classSourcedId"] not in self.class_codes:
            errors.append(
                row.source.error(
                    "classSourcedId",
                    "No class of this school with this sourcedId in classes.csv.",
                    cells["classSourcedId"],
                )
            )
        if user is None:
            errors.append(
                row.source.error(
                    "userSourcedId",
                    "No user with this sourcedId in users.csv.",
                    cells["userSourcedId"],
                )
            )
        if role not in ENROLLMENT_ROLES:
            errors.append(
                row.source.error(
                    "role",
                    f"Not a OneRoster enrollment role; use one of "
                    f"{', '.join(sorted(ENROLLMENT_ROLES))}.",
                    cells["role"],
                )
            )
        elif (
            user is not None
            and role in IMPORTED_ROLES
            and user.cells["role"].lower() in USER_ROLES
            and user.cells["role"].lower() != role
        ):
            errors.append(
                row.source.error(
                    "role", f"users.csv gives this user the role {user.cells['role']}.", role
                )
            )
        return errors

    def _agents(self, users: dict[str, Row]) -> dict[str, set[str]]:
        """student → their guardians' ids, linked from either side. A student's own links are
        checked with the student; a guardian of this school naming anyone but a student of the
        bundle is a problem on the guardian's row."""
        agents: dict[str, set[str]] = defaultdict(set)
        deleted = self.bundle.deleted["users"]
        for user_id, row in users.items():
            role = row.cells["role"].lower()
            for other in split_ids(row.cells.get("agentSourcedIds", "")):
                if role == "student":
                    agents[user_id].add(other)
                elif role not in GUARDIAN_ROLES:
                    continue
                elif other in users and users[other].cells["role"].lower() == "student":
                    agents[other].add(user_id)
                elif other not in deleted and self._at_school(row):
                    self.errors.append(
                        row.source.error(
                            "agentSourcedIds", "No student with this sourcedId in users.csv.", other
                        )
                    )
        return agents

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
