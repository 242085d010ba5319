"""Centre admins manage their own people in the Wagtail admin; bad input saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.people.models import Invitation
from portal.people.services import invitation_accept

pytestmark = pytest.mark.django_db
RIVERSIDE_ADMIN = "admin@riverside.example"
PLATFORM_ADMIN = "admin@example.com"


def form_errors(response) -> dict:
    form = response.context["form"]
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def test_centre_admin_adds_a_new_teacher(client_for, riverside):
    client = client_for(RIVERSIDE_ADMIN)
    response = client.post(
        reverse("members:add"),
        {
            "centre": riverside.pk,
            "email": "New.Teacher@Riverside.example",
            "first_name": "Nadia",
            "last_name": "Okafor",
            "role": Role.TEACHER,
            "password": "",
        },
    )
    assert response.status_code == 302, form_errors(response)
    user = User.objects.get(email="new.teacher@riverside.example")
    assert Membership.objects.filter(user=user, centre=riverside, role=Role.TEACHER).exists()
    assert user.groups.filter(pk=riverside.teacher_group_id).exists()
    assert user.has_perm("wagtailadmin.access_admin")
    assert not user.has_usable_password()


def test_the_add_form_offers_only_managed_centres(client_for, riverside):
    response = client_for(RIVERSIDE_ADMIN).get(reverse("members:add"))
    assert list(response.context["form"].fields["centre"].queryset) == [riverside]


def test_membership_for_an_unmanaged_centre_is_refused(client_for, hillcrest):
    client = client_for(RIVERSIDE_ADMIN)
    before = Membership.objects.count()
    response = client.post(
        reverse("members:add"),
        {
            "centre": hillcrest.pk,
            "email": "intruder@example.com",
            "first_name": "I",
            "role": Role.ADMIN,
        },
    )
    assert response.status_code == 200
    assert "centre" in form_errors(response)
    assert Membership.objects.count() == before
    assert not User.objects.filter(email="intruder@example.com").exists()


def test_password_of_an_existing_account_cannot_be_set_by_another_centre(client_for, riverside):
    client = client_for(RIVERSIDE_ADMIN)
    victim = User.objects.get(email="teacher1@hillcrest.example")
    old_hash = victim.password
    response = client.post(
        reverse("members:add"),
        {
            "centre": riverside.pk,
            "email": victim.email,
            "role": Role.GUARDIAN,
            "password": "A-new-password-123",
        },
    )
    assert "password" in form_errors(response)
    victim.refresh_from_db()
    assert victim.password == old_hash
    assert not Membership.objects.filter(user=victim, centre=riverside).exists()


def test_the_same_person_holds_different_roles_in_two_centres_once_they_accept(
    client_for, riverside, person
):
    """Adding someone who has an account at another centre invites them: the role is theirs
    only when they accept."""
    parent_elsewhere = person("teacher1@hillcrest.example")
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse("members:add"),
        {"centre": riverside.pk, "email": parent_elsewhere.email, "role": Role.GUARDIAN},
        follow=True,
    )
    assert response.status_code == 200
    assert "have been invited" in response.content.decode()
    roles = set(parent_elsewhere.memberships.values_list("centre__slug", "role"))
    assert roles == {("hillcrest", Role.TEACHER)}
    invitation = Invitation.objects.get(user=parent_elsewhere, centre=riverside)
    invitation_accept(invitation=invitation, by=parent_elsewhere)
    roles = set(parent_elsewhere.memberships.values_list("centre__slug", "role"))
    assert roles == {("hillcrest", Role.TEACHER), ("riverside", Role.GUARDIAN)}


def test_duplicate_role_is_a_form_error(client_for, riverside):
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse("members:add"),
        {"centre": riverside.pk, "email": "teacher1@riverside.example", "role": Role.TEACHER},
    )
    assert "role" in form_errors(response)


def test_removing_a_student_unlinks_guardians_and_enrollments(client_for, riverside, person):
    student = person("student1@riverside.example")
    membership = Membership.objects.get(user=student, centre=riverside, role=Role.STUDENT)
    response = client_for(RIVERSIDE_ADMIN).post(reverse("members:delete", args=[membership.pk]))
    assert response.status_code == 302
    assert not Guardianship.objects.filter(student=student).exists()
    assert not student.enrollments.exists()


def test_guardian_is_linked_within_the_centre(client_for, riverside, person):
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse("guardianships:add"),
        {
            "centre": riverside.pk,
            "guardian": person("parent15@riverside.example").pk,
            "student": person("student14@riverside.example").pk,
            "relationship": "carer",
        },
    )
    assert response.status_code == 302, form_errors(response)
    assert Guardianship.objects.filter(
        centre=riverside, guardian__email="parent15@riverside.example", relationship="carer"
    ).exists()


def test_guardian_linked_across_centres_is_refused(client_for, riverside, person):
    """Even the platform admin, who may choose anyone, cannot link across centres."""
    before = Guardianship.objects.count()
    response = client_for(PLATFORM_ADMIN).post(
        reverse("guardianships:add"),
        {
            "centre": riverside.pk,
            "guardian": person("parent1@riverside.example").pk,
            "student": person("student1@hillcrest.example").pk,
            "relationship": "parent",
        },
    )
    assert response.status_code == 200
    assert "student" in form_errors(response)
    assert Guardianship.objects.count() == before


def test_centre_admin_cannot_choose_another_centres_student(client_for, riverside, person):
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse("guardianships:add"),
        {
            "centre": riverside.pk,
            "guardian": person("parent1@riverside.example").pk,
            "student": person("student1@hillcrest.example").pk,
            "relationship": "parent",
        },
    )
    assert "student" in form_errors(response)


class TestCentresScreen:
    def test_platform_admin_creates_a_centre_with_its_page_and_groups(self, client_for):
        response = client_for(PLATFORM_ADMIN).post(
            reverse("centres:add"),
            {
                "name": "Lakeside School",
                "slug": "lakeside",
                "timezone": "Australia/Sydney",
                "contact_email": "office@lakeside.example",
                "reminder_days_before": ["3", "0"],
            },
        )
        assert response.status_code == 302, form_errors(response)
        centre = Centre.objects.get(slug="lakeside")
        assert centre.reminder_days_before == [0, 3] and not centre.digest_skip_empty
        assert centre.home_page.live and centre.home_page.url_path.endswith("/lakeside/")
        assert centre.admin_group.permissions.filter(codename="change_schoolclass").exists()
        assert centre.collection.name == "Lakeside School"

    def test_malformed_timezone_is_a_form_error(self, client_for):
        response = client_for(PLATFORM_ADMIN).post(
            reverse("centres:add"),
            {
                "name": "Nowhere",
                "slug": "nowhere",
                "timezone": "Mars/Olympus_Mons",
                "contact_email": "x@example.com",
            },
        )
        assert response.status_code == 200
        assert "timezone" in form_errors(response)
        assert not Centre.objects.filter(slug="nowhere").exists()

    def test_centre_admins_cannot_create_centres(self, client_for):
        response = client_for(RIVERSIDE_ADMIN).post(
            reverse("centres:add"),
            {"name": "Mine", "slug": "mine", "timezone": "UTC", "contact_email": "a@b.example"},
        )
        assert response.status_code in (302, 403)
        assert not Centre.objects.filter(slug="mine").exists()
