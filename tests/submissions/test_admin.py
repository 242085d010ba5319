"""The grade audit trail in the admin, and the way from a homework there to its submissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.homework.models import Homework
from portal.submissions.models import GradeChange

pytestmark = pytest.mark.django_db
TRAIL = "/admin/grade_changes/"


def test_centre_admins_read_the_grade_trail_of_their_centre(client_for, riverside):
    page = client_for("admin@riverside.example").get(TRAIL)
    assert page.status_code == 200
    change = GradeChange.objects.in_centres([riverside.pk]).filter(old_points=7).get()
    assert change.new_points == 8
    inspect = client_for("admin@riverside.example").get(f"{TRAIL}inspect/{change.pk}/")
    assert inspect.status_code == 200 and b"Re-marked" in inspect.content


@pytest.mark.parametrize("path", ["new/", "edit/1/", "delete/1/"])
def test_nobody_edits_the_trail(client_for, path):
    assert client_for("admin@example.com").get(TRAIL + path).status_code == 404


def test_teachers_do_not_see_the_trail(client_for):
    assert client_for("teacher1@riverside.example").get(TRAIL).status_code in (302, 403)


def test_the_homework_listing_links_to_the_submissions_inbox(client_for):
    fractions = Homework.objects.get(
        title="Fractions practice", school_class__centre__slug="riverside"
    )
    page = client_for("teacher1@riverside.example").get("/admin/snippets/homework/homework/")
    assert reverse("member:inbox", args=[fractions.pk]).encode() in page.content
