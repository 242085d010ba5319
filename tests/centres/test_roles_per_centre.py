"""A role shows its rows only at the centres where the person holds it, actively: deactivating a
membership takes away exactly what that role showed (the rule of `role_filter`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.announcements.models import Announcement
from portal.centres import services
from portal.centres.models import Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.submissions.models import Submission
from portal.whiteboard.models import Whiteboard

pytestmark = pytest.mark.django_db

#: What each role sees through, at the centre of its membership.
SEEN_BY = {
    Role.STUDENT: [SchoolClass, Enrollment, Homework, Submission, Whiteboard, Guardianship],
    Role.GUARDIAN: [SchoolClass, Enrollment, Homework, Submission, Guardianship],
    Role.TEACHER: [SchoolClass, Enrollment, Homework, Submission, Whiteboard],
}


def _deactivate(person, centre, role) -> None:
    membership = Membership.objects.get(user=person, centre=centre, role=role)
    services.membership_update(membership=membership, role=role, is_active=False)


def _first_with(role: str, centre, *, having) -> object:
    """A demo person holding only `role`, at `centre`, who sees some rows of `having`."""
    for membership in Membership.objects.filter(centre=centre, role=role).select_related("user"):
        if having.objects.visible_to(membership.user).exists():
            return membership.user
    raise AssertionError(f"the demo data has no {role} who sees a {having.__name__}")


@pytest.mark.parametrize("role", list(SEEN_BY))
def test_a_deactivated_role_shows_nothing_it_showed(role, riverside, person):
    someone = _first_with(role, riverside, having=Submission)
    for model in SEEN_BY[role]:
        assert model.objects.visible_to(person(someone.email)).exists(), model.__name__
    _deactivate(someone, riverside, role)
    for model in SEEN_BY[role]:
        assert not model.objects.visible_to(person(someone.email)).exists(), model.__name__


def test_a_role_counts_only_at_its_own_centre(riverside, hillcrest, person, join_centre):
    """A teacher at Hillcrest who is also a parent at Riverside: the Riverside link shows the
    child's work; deactivating the Hillcrest teaching leaves the Riverside parent's view whole."""
    teacher = person("teacher1@hillcrest.example")
    child = Submission.objects.filter(homework__school_class__centre=riverside).first().student
    join_centre(teacher, riverside, Role.GUARDIAN, children=[(child.pk, "parent")])
    childs_work = set(Submission.objects.filter(student=child).values_list("pk", flat=True))
    assert childs_work

    _deactivate(teacher, hillcrest, Role.TEACHER)
    seen = Submission.objects.visible_to(person(teacher.email))
    assert set(seen.values_list("pk", flat=True)) == childs_work
    assert set(
        Homework.objects.visible_to(person(teacher.email)).values_list(
            "school_class__centre", flat=True
        )
    ) == {riverside.pk}


def test_a_teacher_still_at_the_centre_reads_announcements_a_former_one_does_not(riverside, person):
    teacher = person("teacher1@riverside.example")
    assert Announcement.objects.visible_to(teacher).exists()
    _deactivate(teacher, riverside, Role.TEACHER)
    assert not Announcement.objects.visible_to(person(teacher.email)).exists()


def test_a_role_held_nowhere_is_left_out_of_the_query(person):
    """A student's homework query holds the student's rule only: no teacher or guardian
    subqueries for the database to plan."""
    student = person("student12@riverside.example")
    sql = str(Homework.objects.visible_to(student).query)
    assert "classes_enrollment" in sql
    assert "classes_schoolclass_teachers" not in sql
    assert "centres_guardianship" not in sql


def test_someone_without_an_active_role_costs_one_query_and_sees_nothing(riverside, person):
    student = person("student12@riverside.example")
    _deactivate(student, riverside, Role.STUDENT)
    student = person(student.email)
    with CaptureQueriesContext(connection) as queries:
        for model in SEEN_BY[Role.STUDENT]:
            assert list(model.objects.visible_to(student)) == []
    assert len(queries) == 1  # the roles; every scoped read after it is empty without asking


class TestCanGrade:
    """`visible_with_can_grade`: the grading right of each visible row, in the same query."""

    def test_a_grader_only_may_grade_every_row_seen(self, person):
        teacher = person("teacher1@riverside.example")
        rows = Submission.objects.visible_with_can_grade(teacher)
        assert rows.exists() and all(row.can_grade for row in rows)
        assert set(rows.values_list("pk", flat=True)) == set(
            Submission.objects.gradable_by(teacher).values_list("pk", flat=True)
        )

    def test_a_teacher_who_is_also_a_parent_may_grade_only_what_they_teach(self, riverside, person):
        teacher = person("teacher1@riverside.example")
        taught = set(Submission.objects.gradable_by(teacher).values_list("pk", flat=True))
        child = next(
            enrollment.student
            for enrollment in Enrollment.objects.filter(school_class__centre=riverside)
            if not Submission.objects.filter(student=enrollment.student, pk__in=taught).exists()
            and Submission.objects.filter(student=enrollment.student).exists()
        )
        services.membership_add(centre=riverside, role=Role.GUARDIAN, email=teacher.email)
        services.guardianship_link(centre=riverside, guardian=teacher, student=child)

        teacher = person(teacher.email)  # with the new role
        rows = {row.pk: row.can_grade for row in Submission.objects.visible_with_can_grade(teacher)}
        childs = set(Submission.objects.filter(student=child).values_list("pk", flat=True))
        assert set(rows) == taught | childs
        assert {pk for pk, can_grade in rows.items() if can_grade} == taught

    def test_a_student_may_grade_nothing_they_see(self, person):
        student = Submission.objects.first().student
        rows = Submission.objects.visible_with_can_grade(student)
        assert rows.exists() and not any(row.can_grade for row in rows)
