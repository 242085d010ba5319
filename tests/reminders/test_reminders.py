"""Reminders reach exactly the students who have not handed in, and guardians who asked for a
copy; never twice for the same homework, student and moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.centres.models import Guardianship
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.reminders.models import Reminder
from portal.reminders.services import homework_reminders_send, reminders_create
from portal.submissions.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_on(riverside):
    """Live homework for 7M1, due at 17:00 (London) `days` after today."""

    def make(days: int, title: str) -> Homework:
        today = timezone.localdate(timezone=riverside.zone)
        due = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(17), riverside.zone)
        return Homework.objects.create(
            school_class=SchoolClass.objects.get(centre=riverside, code="7M1"),
            title=title,
            instructions="<p>Every question.</p>",
            due_at=due,
            live=True,
        )

    return make


def class_list(homework: Homework) -> set[str]:
    places = Enrollment.objects.current().filter(school_class=homework.school_class)
    return set(places.values_list("student__email", flat=True))


def sent_about(title: str) -> list:
    return [m for m in mail.outbox if title in m.subject]


def test_only_students_who_have_not_handed_in_are_reminded_once(riverside, due_on, person):
    homework = due_on(1, "Fractions revision")
    students = class_list(homework)
    done = person(sorted(students)[0])
    Submission.objects.create(homework=homework, student=done, submitted_at=timezone.now())
    today = timezone.localdate(timezone=riverside.zone)

    summary = homework_reminders_send(centre=riverside, on=today)

    told = sent_about("Fractions revision")
    assert {m.to[0] for m in told} == students - {done.email}
    assert len(told) == len(students) - 1 and summary.sent >= len(told)
    assert all('"Fractions revision" is due tomorrow' in m.subject for m in told)
    assert "List-Unsubscribe" not in told[0].extra_headers  # students' reminders are the school's
    mail.outbox.clear()
    assert homework_reminders_send(centre=riverside, on=today).sent == 0
    assert not mail.outbox


def test_guardians_who_asked_get_a_copy_with_one_click_unsubscribe(riverside, due_on):
    homework = due_on(1, "Algebra sheet")
    link = (
        Guardianship.objects.filter(centre=riverside, student__email__in=class_list(homework))
        .select_related("guardian", "student")
        .first()
    )
    Guardianship.objects.filter(pk=link.pk).update(reminder_copies=True)

    homework_reminders_send(centre=riverside, on=timezone.localdate(timezone=riverside.zone))

    copy = [m for m in sent_about("Algebra sheet") if m.to == [link.guardian.email]]
    assert len(copy) == 1
    assert copy[0].subject.startswith(f"{link.student.first_name}: ")
    headers = copy[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = headers["List-Unsubscribe"].strip("<>")
    assert address in copy[0].body  # the visible link too
    path = address.removeprefix("http://testserver").split("://", 1)[-1].partition("/")[2]
    answer = Client(enforce_csrf_checks=True).post(
        "/" + path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    link.refresh_from_db()
    assert not link.reminder_copies and link.email_notices and link.weekly_digest


def test_the_centres_reminder_days_decide_which_homework(riverside, due_on):
    riverside.reminder_days_before = [0, 3]
    riverside.save()
    morning_of, in_three, tomorrow = (
        due_on(0, "Due today"),
        due_on(3, "Due in 3"),
        due_on(1, "Tmrw"),
    )
    today = timezone.localdate(timezone=riverside.zone)
    now = dt.datetime.combine(today, dt.time(9), riverside.zone)

    reminders_create(centre=riverside, on=today, now=now)

    reminded = set(Reminder.objects.values_list("homework__title", "days_before").distinct())
    assert {("Due today", 0), ("Due in 3", 3)} <= reminded
    assert not Reminder.objects.filter(homework=tomorrow).exists()
    assert morning_of.pk and in_three.pk


def test_work_handed_in_after_the_reminder_was_claimed_is_not_reminded(riverside, due_on, person):
    homework = due_on(1, "Late claim")
    today = timezone.localdate(timezone=riverside.zone)
    reminders_create(centre=riverside, on=today)
    student = person(sorted(class_list(homework))[0])
    Submission.objects.create(homework=homework, student=student, submitted_at=timezone.now())

    homework_reminders_send(centre=riverside, on=today)

    assert student.email not in {m.to[0] for m in sent_about("Late claim")}
    row = Reminder.objects.get(homework=homework, recipient=student)
    assert row.status == Reminder.Status.DROPPED


def test_building_reminders_costs_the_same_queries_for_one_or_many(
    riverside, due_on, django_assert_max_num_queries
):
    today = timezone.localdate(timezone=riverside.zone)
    due_on(1, "One")
    with django_assert_max_num_queries(8):
        reminders_create(centre=riverside, on=today)
    for n in range(5):
        due_on(1, f"Many {n}")
    with django_assert_max_num_queries(8):
        reminders_create(centre=riverside, on=today)
    assert Reminder.objects.filter(homework__title__startswith="Many").count() == 5 * len(
        class_list(Homework.objects.get(title="One"))
    )


def test_another_centres_homework_is_never_in_a_centres_reminders(riverside, hillcrest, due_on):
    due_on(1, "Riverside only")
    homework_reminders_send(centre=hillcrest, on=timezone.localdate(timezone=hillcrest.zone))
    assert not sent_about("Riverside only")
