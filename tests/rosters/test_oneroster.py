"""A OneRoster 1.1 bundle imports into the right centre: classes, teachers, students, guardians."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.centres.models import Guardianship, Membership, Role
from portal.classes.models import SchoolClass
from portal.rosters.models import RosterImport
from tests.rosters.conftest import fingerprint
from tests.rosters.oneroster_bundle import bundle

pytestmark = pytest.mark.django_db
ONEROSTER = RosterImport.Kind.ONEROSTER


def test_bundle_imports_into_the_centre(upload, confirm, riverside, hillcrest):
    checked = upload(bundle(), kind=ONEROSTER, name="oneroster.zip", oneroster_school="sch-1")
    assert checked.status == RosterImport.Status.READY, checked.row_errors
    assert checked.counts["students"] == {"new": 2}
    assert checked.counts["teachers"] == {"new": 1}
    assert checked.counts["guardians"] == {"new": 3}
    done = confirm(checked)
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
    assert done.status == RosterImport.Status.DONE


def test_same_bundle_again_changes_nothing(upload, confirm):
    confirm(upload(bundle(), kind=ONEROSTER, name="b.zip", oneroster_school="sch-1"))
    before = fingerprint()
    again = confirm(upload(bundle(), kind=ONEROSTER, name="b.zip", oneroster_school="sch-1"))
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
def test_bundle_problems_write_nothing(content, school, reason, upload):
    before = fingerprint()
    checked = upload(content, kind=ONEROSTER, name="b.zip", oneroster_school=school)
    assert checked.status == RosterImport.Status.INVALID
    assert any(reason in e["reason"] for e in checked.row_errors), checked.row_errors
    assert fingerprint() == before
