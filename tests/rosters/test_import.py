"""Our roster format end to end on PostgreSQL: preview, import, re-import, mirror, bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import User
from portal.centres.models import Guardianship, Membership, Role
from portal.centres.services import membership_add
from portal.classes.models import Enrollment, SchoolClass
from portal.people.models import Invitation
from portal.people.services import invitation_accept
from portal.rosters import links, writer
from portal.rosters.models import RosterImport, StudentYearGroup
from tests.rosters.conftest import HEADERS, csv_bytes, fingerprint, student_row

pytestmark = pytest.mark.django_db
Status = RosterImport.Status


def roster(count: int = 3, **overrides) -> bytes:
    return csv_bytes([student_row(n, **overrides) for n in range(1, count + 1)])


def test_dry_run_previews_without_writing(upload, riverside):
    before = fingerprint()
    checked = upload(roster(3))
    assert checked.status == Status.READY
    assert checked.counts["students"] == {"new": 3}
    assert checked.counts["guardians"] == {"new": 3}
    assert checked.counts["class places"] == {"added": 6}
    assert [c["row"] for c in checked.changes if c["entity"] == "students"] == [2, 3, 4]
    assert fingerprint() == before


def test_confirm_imports_students_classes_guardians_and_year_groups(upload, confirm, riverside):
    done = confirm(upload(roster(2)))
    assert done.status == Status.DONE
    student = User.objects.get(email="pupil1@families.example")
    membership = Membership.objects.get(user=student, centre=riverside, role=Role.STUDENT)
    assert membership.external_id == "S0001"
    assert StudentYearGroup.objects.get(membership=membership).year_group == "Year 7"
    assert set(
        Enrollment.objects.filter(student=student).values_list("school_class__code", flat=True)
    ) == {"7M1", "7E1"}
    link = Guardianship.objects.get(student=student)
    assert (link.guardian.email, link.guardian.phone) == (
        "carer1@families.example",
        "+44 7700 900001",
    )
    assert Membership.objects.filter(
        user=link.guardian, centre=riverside, role=Role.GUARDIAN
    ).exists()


def test_a_shared_guardian_across_chunks_is_one_person_counted_once(upload, confirm, chunked):
    family = {
        "guardian2_first_name": "Sam",
        "guardian2_last_name": "Family",
        "guardian2_email": "family@families.example",
        "guardian2_relationship": "carer",
    }
    rows = [student_row(n, **family) for n in (1, 2, 3)]
    rows[2]["guardian2_first_name"] = ""  # a later row may leave a detail out
    done = confirm(upload(csv_bytes(rows)))
    assert done.status == Status.DONE, done.row_errors
    assert done.counts["guardians"] == {"new": 4}
    assert done.counts["guardian links"] == {"added": 6}
    assert Guardianship.objects.filter(guardian__email="family@families.example").count() == 3


def test_same_file_again_changes_nothing(upload, confirm):
    confirm(upload(roster(5)))
    before = fingerprint()
    again = confirm(upload(roster(5)))
    assert again.status == Status.DONE
    assert again.counts == {"students": {"unchanged": 5}, "guardians": {"unchanged": 5}}
    assert again.changes == []
    assert fingerprint() == before


def test_changed_fields_per_row_and_matching_by_id_before_email(upload, confirm):
    confirm(upload(roster(2)))
    changed = csv_bytes(
        [
            student_row(1, email="new.address@families.example", classes="7M1 7S1"),
            student_row(2, year_group="Year 8", guardian1_phone="+44 1"),
        ]
    )
    checked = upload(changed)
    assert checked.counts["students"] == {"updated": 2}
    fields = {
        c["row"]: {f[0]: f[1:] for f in c["fields"]}
        for c in checked.changes
        if c["entity"] == "students"
    }
    assert fields[2]["email"] == ["pupil1@families.example", "new.address@families.example"]
    assert fields[2]["classes"] == ["7E1 7M1", "7E1 7M1 7S1"]
    assert fields[3]["year_group"] == ["Year 7", "Year 8"]
    guardian = next(c for c in checked.changes if c["entity"] == "guardians")
    assert guardian["fields"] == [["phone", "+44 7700 900002", "+44 1"]]
    confirm(checked)
    assert User.objects.filter(email="new.address@families.example").exists()


def test_mirror_mode_deactivates_students_not_in_the_file_and_ends_their_places(
    upload, confirm, riverside, chunked
):
    before_active = Membership.objects.filter(centre=riverside, role=Role.STUDENT, is_active=True)
    demo_students = before_active.count()
    confirm(upload(roster(2)))
    checked = upload(csv_bytes([student_row(1, classes="7M1")]), mode=RosterImport.Mode.MIRROR)
    assert checked.counts["students"]["deactivated"] == demo_students + 1
    assert checked.counts["class places"] == {"ended": 1}
    confirm(checked)
    active = Membership.objects.filter(centre=riverside, role=Role.STUDENT, is_active=True)
    assert list(active.values_list("external_id", flat=True)) == ["S0001"]
    ended = Enrollment.objects.get(
        student__email="pupil1@families.example", school_class__code="7E1"
    )
    assert ended.ends_on is not None
    assert Enrollment.objects.filter(student__email="student1@riverside.example").exists()
    again = confirm(
        upload(csv_bytes([student_row(1, classes="7M1")]), mode=RosterImport.Mode.MIRROR)
    )
    assert again.counts == {"students": {"unchanged": 1}, "guardians": {"unchanged": 1}}


def test_update_mode_leaves_people_not_in_the_file_alone(upload, confirm, riverside):
    confirm(upload(roster(1)))
    assert (
        Membership.objects.filter(centre=riverside, role=Role.STUDENT, is_active=False).count() == 0
    )


def test_missing_classes_are_created_when_asked(upload, confirm, riverside):
    checked = upload(roster(2, classes="7M1 8X9"), create_missing_classes=True)
    assert checked.counts["classes"] == {"new": 1}
    confirm(checked)
    assert SchoolClass.objects.get(centre=riverside, code="8X9").enrollments.count() == 2


def test_accounts_of_another_centre_keep_their_details_and_are_invited(
    upload, confirm, hillcrest, riverside
):
    membership_add(
        centre=hillcrest, role=Role.GUARDIAN, email="carer1@families.example", first_name="Kept"
    )
    done = confirm(upload(roster(1)))
    assert done.counts["guardians"] == {"invited": 1}
    guardian = User.objects.get(email="carer1@families.example")
    assert guardian.first_name == "Kept"
    assert not Guardianship.objects.filter(centre=riverside, guardian=guardian).exists()
    invitation_accept(invitation=Invitation.objects.get(user=guardian), by=guardian)
    assert Guardianship.objects.filter(centre=riverside, guardian=guardian).exists()


def bad(rows: list[dict]) -> bytes:
    return csv_bytes(rows)


BAD_FILES = {
    "missing-column": (b"student_id,first_name,last_name\r\nS1,A,B\r\n", (0, "")),
    "empty": (b"", (0, "")),
    "header-only": (",".join(HEADERS).encode() + b"\r\n", (0, "")),
    "duplicate-student-id": (
        bad([student_row(1), student_row(2, student_id="S0001")]),
        (3, "student_id"),
    ),
    "guardians-disagree": (
        bad([student_row(1), student_row(2, guardian1_email="carer1@families.example")]),
        (3, "guardian1_last_name"),
    ),
    "invalid-email": (bad([student_row(1), student_row(2, email="pupil2@")]), (3, "email")),
    "invalid-guardian-email": (
        bad([student_row(1, guardian1_email="carer at home")]),
        (2, "guardian1_email"),
    ),
    "unknown-class": (bad([student_row(1, classes="7M1 ZZ9")]), (2, "classes")),
    "class-of-another-centre": (bad([student_row(1, classes="G4-MATH")]), (2, "classes")),
    "formula": (bad([student_row(1, last_name='=HYPERLINK("http://x")')]), (2, "last_name")),
    "excel-scientific-id": (bad([student_row(1, student_id="1.2E+5")]), (2, "student_id")),
    "leading-zeros-lost": (
        bad([student_row(1, student_id="00042"), student_row(2, student_id="43")]),
        (3, "student_id"),
    ),
    "binary-renamed-csv": (b"\x00\x01\x02\x03\xff\xfe" * 200, (0, "")),
}


@pytest.fixture(params=["one chunk", "a chunk per row"])
def chunked(request, monkeypatch):
    """Whole-file checks (each id once, guardians alike, padded ids) must also hold across the
    writer's chunks, where earlier rows are known only through its file index."""
    if request.param == "a chunk per row":
        whole = writer.chunks
        monkeypatch.setattr(writer, "chunks", lambda items: whole(items, 1))


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_input_is_reported_and_nothing_is_written(case, upload, confirm, chunked):
    content, (row, column) = BAD_FILES[case]
    before = fingerprint()
    checked = upload(content)
    assert checked.status == Status.INVALID
    assert (row, column) in {(e["row"], e["column"]) for e in checked.row_errors}, (
        checked.row_errors
    )
    assert all(e["reason"] for e in checked.row_errors)
    with pytest.raises(Exception, match="only a checked file"):
        confirm(checked)
    assert fingerprint() == before


def test_leading_zeros_lost_against_ids_already_at_the_centre(upload, confirm):
    confirm(upload(csv_bytes([student_row(1, student_id="000123")])))
    checked = upload(csv_bytes([student_row(1, student_id="123")]))
    assert checked.row_errors[0]["column"] == "student_id"
    assert "000123" in checked.row_errors[0]["reason"]


def test_two_hundred_thousand_rows_are_refused_whole(upload):
    line = b"S1,A,B,a@example.com\r\n"
    checked = upload(b"student_id,first_name,last_name,email\r\n" + line * 200_000)
    assert checked.status == Status.INVALID
    assert "more than 100,000 rows" in checked.row_errors[0]["reason"]
    assert checked.counts == {}


def test_failure_mid_import_leaves_the_database_exactly_as_before(upload, monkeypatch):
    checked = upload(roster(3))
    before = fingerprint()

    def broken(self, pairs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(links.EnrollmentLinks, "add", broken)
    from portal.rosters import services

    failed = services.roster_import_confirm(roster_import=checked, by=None)
    assert failed.status == Status.FAILED
    assert "nothing was written" in failed.row_errors[0]["reason"]
    assert fingerprint() == before


def test_a_centre_admin_imports_only_into_their_centre(upload, hillcrest):
    with pytest.raises(PermissionDenied):
        upload(roster(1), centre=hillcrest)


def test_queries_do_not_grow_with_rows(upload, confirm):
    def queries(numbers: range) -> int:
        checked = upload(csv_bytes([student_row(n) for n in numbers]))
        with CaptureQueriesContext(connection) as captured:
            confirm(checked)
        return len(captured)

    assert queries(range(1, 21)) == queries(range(100, 400))


def test_teachers_and_class_lists(upload, confirm, riverside):
    classes = (
        b"Class Code,Name,Subject,Year Group,Class ID\r\n"
        b"9H1,Year 9 History,History,Year 9,C-9H1\r\n"
        b"7M1,Year 7 Maths,Mathematics,Year 7,C-7M1\r\n"
    )
    done = confirm(upload(classes, kind="classes"))
    assert done.counts["classes"] == {"new": 1, "updated": 1}
    teachers = (
        b"teacher_id,first_name,last_name,email,phone,classes\r\n"
        b"T9,Ada,Byron,ada@staff.example,,9H1 7M1\r\n"
    )
    done = confirm(upload(teachers, kind="teachers"))
    assert done.status == Status.DONE
    ada = User.objects.get(email="ada@staff.example")
    assert set(ada.classes_taught.values_list("code", flat=True)) == {"9H1", "7M1"}
    assert ada.groups.filter(pk=riverside.teacher_group_id).exists()
    again = confirm(upload(teachers, kind="teachers"))
    assert again.counts == {"teachers": {"unchanged": 1}}


def test_class_list_cannot_mirror(upload):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        upload(b"class_code,name\r\nX1,X\r\n", kind="classes", mode=RosterImport.Mode.MIRROR)
