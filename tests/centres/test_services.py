"""Services for centres and people, and the scoped query path they rely on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import GroupPagePermission

from portal.centres import services
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass

pytestmark = pytest.mark.django_db


def test_centre_create_builds_home_page_collection_and_groups():
    centre = services.centre_create(
        name="Harbour Centre",
        slug="harbour",
        timezone="Pacific/Auckland",
        contact_email="hello@harbour.example",
    )
    assert centre.home_page.live
    assert centre.home_page.get_parent().specific_class.__name__ == "HomePage"
    assert GroupPagePermission.objects.filter(
        group=centre.admin_group, page=centre.home_page, permission__codename="publish_page"
    ).exists()
    assert not GroupPagePermission.objects.filter(
        group=centre.teacher_group, page=centre.home_page, permission__codename="publish_page"
    ).exists()
    assert centre.zone.key == "Pacific/Auckland"


def test_centre_create_rejects_bad_timezone_and_writes_nothing():
    before = Centre.objects.count()
    with pytest.raises(ValidationError) as error:
        services.centre_create(
            name="Bad", slug="bad", timezone="Europe/Atlantis", contact_email="a@b.example"
        )
    assert "timezone" in error.value.message_dict
    assert Centre.objects.count() == before


def test_membership_add_by_admin_of_another_centre_is_denied(riverside, hillcrest, person):
    with pytest.raises(PermissionDenied):
        services.membership_add(
            centre=hillcrest,
            role=Role.ADMIN,
            email="sneaky@example.com",
            by=person("admin@riverside.example"),
        )
    assert not Membership.objects.filter(user__email="sneaky@example.com").exists()


def test_role_change_moves_the_person_between_staff_groups(riverside, person):
    teacher = person("teacher2@riverside.example")
    membership = Membership.objects.get(user=teacher, centre=riverside, role=Role.TEACHER)
    services.membership_update(membership=membership, role=Role.ADMIN)
    assert set(teacher.groups.values_list("pk", flat=True)) == {riverside.admin_group_id}


def test_deactivated_member_loses_access_but_keeps_the_record(riverside, person):
    admin = person("admin@riverside.example")
    membership = Membership.objects.get(user=admin, centre=riverside, role=Role.ADMIN)
    services.membership_update(membership=membership, role=Role.ADMIN, is_active=False)
    admin = person(admin.email)
    assert not admin.has_perm("wagtailadmin.access_admin")
    assert not SchoolClass.objects.visible_to(admin).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_external_ids_are_unique_per_centre_and_role(riverside, hillcrest):
    services.membership_add(
        centre=riverside, role=Role.STUDENT, email="a@x.example", first_name="A", external_id="S-1"
    )
    services.membership_add(
        centre=hillcrest, role=Role.STUDENT, email="b@x.example", first_name="B", external_id="S-1"
    )
    with pytest.raises(ValidationError):
        services.membership_add(
            centre=riverside,
            role=Role.STUDENT,
            email="c@x.example",
            first_name="C",
            external_id="S-1",
        )


def test_guardianship_requires_both_roles_at_the_centre(riverside, person):
    with pytest.raises(ValidationError) as error:
        services.guardianship_link(
            centre=riverside,
            guardian=person("teacher1@riverside.example"),
            student=person("student1@riverside.example"),
        )
    assert "guardian" in error.value.message_dict


class TestVisibleTo:
    """The one scoped query path, for each role."""

    def test_platform_admin_sees_everything(self, person):
        admin = person("admin@example.com")
        assert SchoolClass.objects.visible_to(admin).count() == SchoolClass.objects.count() == 6
        assert Centre.objects.visible_to(admin).count() == 2

    def test_centre_admin_sees_own_centre(self, riverside, person):
        admin = person("admin@riverside.example")
        assert set(SchoolClass.objects.visible_to(admin).values_list("centre", flat=True)) == {
            riverside.pk
        }
        assert set(Membership.objects.visible_to(admin).values_list("centre", flat=True)) == {
            riverside.pk
        }
        assert list(Centre.objects.visible_to(admin)) == [riverside]

    def test_teacher_sees_taught_classes(self, person):
        teacher = person("teacher1@hillcrest.example")
        codes = set(SchoolClass.objects.visible_to(teacher).values_list("code", flat=True))
        assert codes == {"G4-MATH", "G5-SCI"}
        # Teachers are not admins: the centre's people are not theirs to list.
        assert set(Membership.objects.visible_to(teacher)) == set(teacher.memberships.all())

    def test_student_sees_own_enrollments_only(self, person):
        student = person("student12@riverside.example")
        enrollments = Enrollment.objects.visible_to(student)
        assert enrollments.count() == 2 and {e.student for e in enrollments} == {student}

    def test_guardian_sees_both_childrens_classes(self, person):
        guardian = person("parent2@riverside.example")  # student2 (3 classes), student17 (2)
        children = set(
            Guardianship.objects.visible_to(guardian).values_list("student__email", flat=True)
        )
        assert children == {"student2@riverside.example", "student17@riverside.example"}
        assert Enrollment.objects.visible_to(guardian).count() == 5
        assert set(SchoolClass.objects.visible_to(guardian).values_list("code", flat=True)) == {
            "7M1",
            "7E1",
            "7S1",
        }

    def test_person_with_roles_in_two_centres_sees_each_as_that_role(
        self, riverside, person, join_centre
    ):
        teacher = person("teacher1@hillcrest.example")
        child = person("student20@riverside.example")
        join_centre(teacher, riverside, Role.GUARDIAN, children=[(child.pk, "parent")])
        teacher = person(teacher.email)
        codes = set(SchoolClass.objects.visible_to(teacher).values_list("code", flat=True))
        assert codes == {"G4-MATH", "G5-SCI", "7M1", "7E1"}

    def test_anonymous_and_deactivated_see_nothing(self, person):
        from django.contrib.auth.models import AnonymousUser

        former = person("admin@riverside.example")
        former.is_active = False
        for user in (AnonymousUser(), former, None):
            assert not SchoolClass.objects.visible_to(user).exists()
