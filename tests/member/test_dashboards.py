"""The three dashboards: what they show, and queries that do not grow with the homework."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.classes.models import SchoolClass
from portal.homework.models import Homework
from portal.submissions.models import Submission

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("member:dashboard")


def test_student_dashboard_sorts_work_by_what_needs_doing(client_for):
    page = client_for("student1@riverside.example").get(DASHBOARD)
    assert page.status_code == 200
    mine = page.context["mine"]
    assert {r.homework.title for r in mine.returned} == {"Cell quiz", "Reading log"}
    assert {r.submission.points for r in mine.returned} == {8, 9}
    assert [r.homework.title for r in mine.handed_in] == ["Fractions practice"]
    assert b"Re-marked: question 4 was right." in page.content
    assert b"Welcome back!" in page.content


def test_student_sees_overdue_work(client_for):
    page = client_for("student11@riverside.example").get(DASHBOARD)  # no reading log
    assert [r.homework.title for r in page.context["mine"].missing] == ["Reading log"]
    assert "teaching" not in page.context and "children" not in page.context


def test_guardian_dashboard_has_each_linked_child_only(client_for, person):
    page = client_for("parent1@riverside.example").get(DASHBOARD)
    children = page.context["children"]
    assert [c.student.email for c in children] == [
        "student1@riverside.example",
        "student16@riverside.example",
    ]
    assert len(children[0].returned) == 2
    assert b"Re-marked: question 4 was right." in page.content


def test_teacher_dashboard_counts_handed_in_late_and_to_return(client_for):
    page = client_for("teacher2@riverside.example").get(DASHBOARD)
    reading = next(h for h in page.context["teaching"] if h.title == "Reading log")
    assert (reading.handed_in, reading.late, reading.to_return, reading.class_size) == (
        8,
        2,
        5,
        20,
    )
    assert "Fractions practice" not in {h.title for h in page.context["teaching"]}


def fill_with_homework(count: int, person) -> None:
    """Replace Riverside 7M1's homework with `count` live ones, half handed in by student1
    (some of those returned), so every kind of row appears."""
    maths = SchoolClass.objects.get(centre__slug="riverside", code="7M1")
    Homework.objects.filter(school_class__centre__slug="riverside").delete()
    now = timezone.now()
    homework = Homework.objects.bulk_create(
        Homework(
            school_class=maths,
            title=f"Worksheet {n}",
            instructions="<p>Do it.</p>",
            due_at=now + dt.timedelta(days=(n % 5) - 2),
            max_points=10,
            live=True,
        )
        for n in range(count)
    )
    student = person("student1@riverside.example")
    Submission.objects.bulk_create(
        Submission(
            homework=item,
            student=student,
            text="answer",
            submitted_at=now,
            points=7,
            feedback="ok",
            returned_at=now if n % 4 == 0 else None,
        )
        for n, item in enumerate(homework)
        if n % 2 == 0
    )


@pytest.mark.parametrize(
    "viewer",
    ["student1@riverside.example", "parent1@riverside.example", "teacher1@riverside.example"],
)
def test_dashboard_queries_are_the_same_for_1_and_50_homework(client_for, person, viewer):
    def queries_with(count: int) -> tuple[int, int]:
        fill_with_homework(count, person)
        client = client_for(viewer)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(DASHBOARD)
        assert page.status_code == 200
        return len(queries), page.content.count(b"Worksheet ")

    one, shown_one = queries_with(1)
    fifty, shown_fifty = queries_with(50)
    assert shown_one >= 1 and shown_fifty > shown_one, "the control: the items are listed"
    assert fifty == one, f"{viewer}: {one} queries for 1 homework, {fifty} for 50"


def test_child_page_query_count_does_not_grow(client_for, person):
    child = person("student1@riverside.example")
    url = reverse("member:child", args=[child.pk])

    def queries_with(count: int) -> int:
        fill_with_homework(count, person)
        with CaptureQueriesContext(connection) as queries:
            assert client_for("parent1@riverside.example").get(url).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(50)


def test_a_person_with_roles_at_two_centres_switches_centre(
    client_for, person, hillcrest, join_centre
):
    join_centre(person("parent1@riverside.example"), hillcrest, "teacher")
    client = client_for("parent1@riverside.example")
    page = client.get(DASHBOARD)
    assert page.context["current_centre"].slug == "hillcrest"  # first by name
    assert b'id="centre-switch"' in page.content
    riverside_id = next(c.pk for c in page.context["my_centres"] if c.slug == "riverside")
    client.post(reverse("member:switch_centre"), {"centre": riverside_id})
    page = client.get(DASHBOARD)
    assert page.context["current_centre"].slug == "riverside"
    assert "children" in page.context and "teaching" not in page.context


def test_switching_to_a_centre_without_a_role_is_not_found(client_for, hillcrest):
    client = client_for("student1@riverside.example")
    response = client.post(reverse("member:switch_centre"), {"centre": hillcrest.pk})
    assert response.status_code == 404
    assert client.get(DASHBOARD).context["current_centre"].slug == "riverside"
