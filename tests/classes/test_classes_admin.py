"""Classes and enrollments in the Wagtail admin, as centre admins and teachers see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.classes.models import Enrollment, SchoolClass
from tests.isolation import listed_on_all_pages

pytestmark = pytest.mark.django_db
RIVERSIDE_ADMIN = "admin@riverside.example"
CLASSES = "wagtailsnippets_classes_schoolclass"
ENROLLMENTS = "wagtailsnippets_classes_enrollment"


def form_errors(response) -> dict:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def class_post(centre, person, **overrides):
    data = {
        "centre": centre.pk,
        "code": "8M2",
        "name": "Year 8 Maths set 2",
        "subject": "Mathematics",
        "year_group": "Year 8",
        "teachers": [person("teacher2@riverside.example").pk],
    }
    data.update(overrides)
    return data


def test_centre_admin_creates_a_class(client_for, riverside, person):
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse(f"{CLASSES}:add"), class_post(riverside, person)
    )
    assert response.status_code == 302, form_errors(response)
    school_class = SchoolClass.objects.get(centre=riverside, code="8M2")
    assert [t.email for t in school_class.teachers.all()] == ["teacher2@riverside.example"]


def test_duplicate_class_code_in_a_centre_is_refused(client_for, riverside, person):
    before = SchoolClass.objects.count()
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse(f"{CLASSES}:add"), class_post(riverside, person, code="7m1")
    )
    assert response.status_code == 200
    assert "code" in form_errors(response)
    assert SchoolClass.objects.count() == before


def test_the_same_code_is_fine_in_another_centre(client_for, hillcrest, person):
    response = client_for("admin@hillcrest.example").post(
        reverse(f"{CLASSES}:add"),
        class_post(
            hillcrest, person, code="7M1", teachers=[person("teacher1@hillcrest.example").pk]
        ),
    )
    assert response.status_code == 302, form_errors(response)


def test_teacher_of_another_centre_cannot_be_assigned(client_for, riverside, person):
    response = client_for("admin@example.com").post(
        reverse(f"{CLASSES}:add"),
        class_post(riverside, person, teachers=[person("teacher1@hillcrest.example").pk]),
    )
    assert response.status_code == 200
    assert "teachers" in form_errors(response)
    assert not SchoolClass.objects.filter(code="8M2").exists()


def test_teacher_sees_only_the_classes_they_teach(client_for, person):
    teacher = person("teacher2@riverside.example")
    client = client_for(teacher.email)
    listed = listed_on_all_pages(client, reverse(f"{CLASSES}:list"), SchoolClass)
    assert listed == set(teacher.classes_taught.values_list("pk", flat=True))
    assert {c.code for c in SchoolClass.objects.filter(pk__in=listed)} == {"7E1", "7S1"}


def test_teacher_may_view_but_not_change_their_class(client_for, person):
    teacher = person("teacher2@riverside.example")
    taught = teacher.classes_taught.get(code="7E1")
    other = SchoolClass.objects.get(centre__slug="riverside", code="7M1")
    client = client_for(teacher.email)
    assert client.get(reverse(f"{CLASSES}:inspect", args=[taught.pk])).status_code == 200
    # A visible class the teacher may not change: refused, not hidden.
    edit = client.post(reverse(f"{CLASSES}:edit", args=[taught.pk]), {"name": "Renamed"})
    assert edit.status_code in (302, 403)
    taught.refresh_from_db()
    assert taught.name == "Year 7 English"
    # A class of their own centre that they do not teach does not exist for them.
    assert client.get(reverse(f"{CLASSES}:inspect", args=[other.pk])).status_code == 404


def test_enrolling_a_student_of_another_centre_is_refused(client_for, person):
    school_class = SchoolClass.objects.get(centre__slug="riverside", code="7S1")
    before = Enrollment.objects.count()
    response = client_for("admin@example.com").post(
        reverse(f"{ENROLLMENTS}:add"),
        {
            "school_class": school_class.pk,
            "student": person("student1@hillcrest.example").pk,
            "starts_on": "2026-09-01",
        },
    )
    assert response.status_code == 200
    assert "student" in form_errors(response)
    assert Enrollment.objects.count() == before


def test_centre_admin_enrols_a_student(client_for, person):
    school_class = SchoolClass.objects.get(centre__slug="riverside", code="7S1")
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse(f"{ENROLLMENTS}:add"),
        {
            "school_class": school_class.pk,
            "student": person("student20@riverside.example").pk,
            "starts_on": "2026-09-01",
            "ends_on": "",
        },
    )
    assert response.status_code == 302, form_errors(response)
    assert school_class.enrollments.filter(student__email="student20@riverside.example").exists()


def test_enrollment_ending_before_it_starts_is_refused(client_for, person):
    school_class = SchoolClass.objects.get(centre__slug="riverside", code="7S1")
    response = client_for(RIVERSIDE_ADMIN).post(
        reverse(f"{ENROLLMENTS}:add"),
        {
            "school_class": school_class.pk,
            "student": person("student20@riverside.example").pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-08-01",
        },
    )
    assert response.status_code == 200
    assert "ends_on" in form_errors(response)
