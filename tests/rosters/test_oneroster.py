"""A OneRoster 1.1 bundle imports into the right centre: classes, teachers, students, guardians.

A bundle is checked and imported by a worker (test_hostile_files.py sends one to a real worker);
here the worker's task runs in the test's own transaction."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.centres.models import Guardianship, Membership, Role
from portal.classes.models import SchoolClass
from portal.rosters.models import RosterImport
from tests.rosters.conftest import fingerprint
from tests.rosters.oneroster_bundle import bundle, bundle_files, bundle_members, user, zip_of

pytestmark = pytest.mark.django_db
ONEROSTER = RosterImport.Kind.ONEROSTER
Status = RosterImport.Status


@pytest.fixture
def import_checked(confirm, as_worker):
    return lambda checked: as_worker(confirm(checked))


def test_bundle_imports_into_the_centre(check_bundle, import_checked, riverside, hillcrest):
    checked = check_bundle(bundle())
    assert checked.status == Status.READY, checked.row_errors
    assert checked.counts["students"] == {"new": 2}
    assert checked.counts["teachers"] == {"new": 1}
    assert checked.counts["guardians"] == {"new": 3}
    done = import_checked(checked)
    geography = SchoolClass.objects.get(centre=riverside, code="8G1")
    assert (geography.name, geography.external_id, geography.subject) == (
        "Geography 8A",
        "cls-1",
        "Geography",
    )
    assert list(geography.teachers.values_list("email", flat=True)) == ["tea-1@or.example"]
    assert set(geography.enrollments.values_list("student__email", flat=True)) == {
        "stu-1@or.example",
        "stu-2@or.example",
    }
    ada = User.objects.get(email="stu-1@or.example")
    assert (
        Membership.objects.get(user=ada, centre=riverside, role=Role.STUDENT).external_id == "stu-1"
    )
    links = Guardianship.objects.filter(centre=riverside, student=ada)
    assert {(g.guardian.email, g.relationship) for g in links} == {
        ("par-1@or.example", "parent"),
        ("par-2@or.example", "guardian"),
    }
    assert not SchoolClass.objects.filter(code="X1").exists()
    assert not User.objects.filter(email="stu-9@or.example").exists()
    assert not Membership.objects.filter(
        centre=hillcrest, user__email__endswith="@or.example"
    ).exists()
    assert done.status == Status.DONE


def test_same_bundle_again_changes_nothing(check_bundle, import_checked):
    import_checked(check_bundle(bundle()))
    before = fingerprint()
    again = import_checked(check_bundle(bundle()))
    assert all(set(actions) == {"unchanged"} for actions in again.counts.values()), again.counts
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("content", "school", "reason"),
    [
        (bundle(), "", "2 schools"),
        (bundle(version="1.0"), "sch-1", "reads 1.1"),
        (bundle(student_email="not-an-email"), "sch-1", "valid e-mail"),
    ],
    ids=["which-school", "wrong-version", "bad-email"],
)
def test_bundle_problems_write_nothing(content, school, reason, check_bundle):
    before = fingerprint()
    checked = check_bundle(content, school)
    assert checked.status == Status.INVALID
    assert any(reason in e["reason"] for e in checked.row_errors), checked.row_errors
    assert fingerprint() == before


def _enrol(files, **cells) -> None:
    files["enrollments"].append(
        {"sourcedId": "enr-new", "schoolSourcedId": "sch-1", "primary": "false", **cells}
    )


def _set(files, name: str, sourced_id: str, **cells) -> None:
    next(row for row in files[name] if row["sourcedId"] == sourced_id).update(cells)


def _class_missing(files):
    _enrol(files, classSourcedId="cls-404", userSourcedId="stu-2", role="student")


def _user_missing(files):
    _enrol(files, classSourcedId="cls-1", userSourcedId="stu-404", role="student")


def _not_their_role(files):
    _enrol(files, classSourcedId="cls-1", userSourcedId="tea-1", role="student")


def _unknown_enrollment_role(files):
    _enrol(files, classSourcedId="cls-1", userSourcedId="stu-2", role="learner")


def _no_role(files):
    _set(files, "users", "stu-2", role="")


def _unknown_role(files):
    _set(files, "users", "stu-2", role="pupil")


def _guardian_names_missing_student(files):
    _set(files, "users", "par-3", agentSourcedIds="stu-2,stu-404")


def _student_names_missing_guardian(files):
    _set(files, "users", "stu-2", agentSourcedIds="par-404")


# (sheet, row, column, value) of the problem each broken reference must give.
BROKEN_REFERENCES = {
    "enrollment-of-a-missing-class": (
        _class_missing,
        ("enrollments.csv", 6, "classSourcedId", "cls-404"),
    ),
    "enrollment-of-a-missing-user": (
        _user_missing,
        ("enrollments.csv", 6, "userSourcedId", "stu-404"),
    ),
    "enrollment-in-a-role-the-user-lacks": (
        _not_their_role,
        ("enrollments.csv", 6, "role", "student"),
    ),
    "enrollment-role-unknown": (
        _unknown_enrollment_role,
        ("enrollments.csv", 6, "role", "learner"),
    ),
    "user-without-a-role": (_no_role, ("users.csv", 4, "role", "")),
    "user-role-unknown": (_unknown_role, ("users.csv", 4, "role", "pupil")),
    "guardian-links-a-missing-student": (
        _guardian_names_missing_student,
        ("users.csv", 7, "agentSourcedIds", "stu-404"),
    ),
    "student-links-a-missing-guardian": (
        _student_names_missing_guardian,
        ("users.csv", 4, "agentSourcedIds", "par-404"),
    ),
}


@pytest.mark.parametrize("case", BROKEN_REFERENCES, ids=list(BROKEN_REFERENCES))
def test_broken_references_are_row_problems(case, check_bundle, confirm):
    """A row naming what the bundle lacks is a problem on that row, never quietly dropped."""
    breaks, (sheet, row, column, value) = BROKEN_REFERENCES[case]
    files = bundle_files()
    breaks(files)
    before = fingerprint()
    checked = check_bundle(zip_of(bundle_members(files)))
    assert checked.status == Status.INVALID
    problems = {(e["sheet"], e["row"], e["column"], e["value"]): e for e in checked.row_errors}
    assert (sheet, row, column, value) in problems, checked.row_errors
    assert problems[sheet, row, column, value]["reason"]
    with pytest.raises(Exception, match="only a checked file"):
        confirm(checked)
    assert fingerprint() == before


def test_rows_naming_a_row_to_be_deleted_go_with_it(check_bundle):
    files = bundle_files()
    files["classes"].append(
        {
            "sourcedId": "cls-old",
            "status": "tobedeleted",
            "title": "Closed",
            "classCode": "OLD1",
            "schoolSourcedId": "sch-1",
        }
    )
    files["users"].append(user("par-old", "parent", "Gone", "Away", status="tobedeleted"))
    _enrol(files, classSourcedId="cls-old", userSourcedId="stu-2", role="student")
    _set(files, "users", "stu-2", agentSourcedIds="par-old")
    checked = check_bundle(zip_of(bundle_members(files)))
    assert checked.status == Status.READY, checked.row_errors
    assert checked.counts["classes"] == {"new": 1}
