"""Who is told when homework or an announcement goes live, and that each is told once."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.announcements.models import Announcement
from portal.centres.models import Guardianship, Membership, Role
from portal.classes.models import SchoolClass
from portal.homework.models import Homework
from portal.notifications.services import go_live_recipients, notify_go_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def fractions(riverside) -> Homework:
    """Live homework for 7M1: students 1-20, parents 1-15 (parents 1-5 have two children)."""
    return Homework.objects.get(school_class__centre=riverside, title="Fractions practice")


def addresses() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_students_and_guardians_of_the_class_each_get_one_email(fractions):
    sent = notify_go_live(item=fractions, generation=0)
    expected = sorted(
        [f"student{n}@riverside.example" for n in range(1, 21)]
        + [f"parent{n}@riverside.example" for n in range(1, 16)]
    )
    assert sent == 35
    assert addresses() == expected
    assert not any("hillcrest" in address for address in addresses())


def test_running_again_sends_nothing(fractions):
    notify_go_live(item=fractions, generation=0)
    assert notify_go_live(item=fractions, generation=0) == 0
    assert len(mail.outbox) == 35


def test_notify_again_tells_everyone_once_more(fractions):
    notify_go_live(item=fractions, generation=0)
    assert notify_go_live(item=fractions, generation=1) == 35
    assert notify_go_live(item=fractions, generation=1) == 0


def test_guardian_preferences_are_honoured(fractions, riverside, person):
    Guardianship.objects.filter(guardian=person("parent3@riverside.example")).update(
        email_notices=False
    )
    Guardianship.objects.filter(guardian=person("parent4@riverside.example")).update(
        email_notices=False, weekly_digest=False
    )
    Membership.objects.filter(
        user=person("student20@riverside.example"), centre=riverside, role=Role.STUDENT
    ).update(is_active=False)
    recipients = {user.email for user in go_live_recipients(fractions)}
    assert "parent3@riverside.example" not in recipients
    assert "parent4@riverside.example" not in recipients
    assert "student20@riverside.example" not in recipients
    assert "parent5@riverside.example" in recipients  # student20's other parent link is 5's


def test_email_has_both_parts_the_centres_name_and_a_link(fractions, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    notify_go_live(item=fractions, generation=0)
    message = mail.outbox[0]
    assert message.from_email.startswith("Riverside Academy <")
    assert message.reply_to == ["office@riverside.example"]
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    link = f"https://portal.example.org/homework/{fractions.pk}/"
    assert link in message.body and link in html
    assert "Fractions practice" in message.subject


def test_class_announcement_reaches_only_that_class(riverside):
    science = SchoolClass.objects.get(centre=riverside, code="7S1")  # students 1-10
    trip = Announcement.objects.get(centre=riverside, title="Science trip forms")
    recipients = {user.email for user in go_live_recipients(trip)}
    students = {e for e in recipients if e.startswith("student")}
    assert students == {f"student{n}@riverside.example" for n in range(1, 11)}
    assert trip.classes.get() == science


def test_centre_wide_announcement_reaches_every_student(riverside):
    welcome = Announcement.objects.get(centre=riverside, title="Welcome back!")
    recipients = {user.email for user in go_live_recipients(welcome)}
    assert {f"student{n}@riverside.example" for n in range(1, 21)} <= recipients
    assert not any("hillcrest" in e for e in recipients)


def test_publishing_queues_the_notices_once_committed(
    riverside, person, eager_celery, django_capture_on_commit_callbacks
):
    maths = SchoolClass.objects.get(centre=riverside, code="7M1")
    homework = Homework.objects.get(school_class=maths, title="Times tables quiz")
    with django_capture_on_commit_callbacks(execute=True):
        homework.save_revision(user=person("admin@riverside.example")).publish()
    assert len(mail.outbox) == 35
    # Publishing an edit again tells nobody: the log already holds everyone.
    with django_capture_on_commit_callbacks(execute=True):
        homework.title = "Times tables quiz (updated)"
        homework.save_revision().publish()
    assert len(mail.outbox) == 35


def test_returned_work_emails_the_student_and_immediate_parents_once(
    riverside, person, eager_celery, django_capture_on_commit_callbacks
):
    from portal.submissions import services as submissions
    from portal.submissions.models import Submission

    work = (
        Submission.objects.filter(
            homework__school_class__centre=riverside, returned_at__isnull=True
        )
        .select_related("student", "homework__school_class")
        .first()
    )
    teacher = work.homework.school_class.teachers.first()
    work.points, work.feedback = 1, "Well done."
    work.save()
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submission_return(submission=work, by=teacher)
    parents = set(
        Guardianship.objects.filter(student=work.student, email_notices=True).values_list(
            "guardian__email", flat=True
        )
    )
    assert parents, "the control needs a parent who hears immediately"
    assert sorted(addresses()) == sorted({work.student.email, *parents})
    assert all("Marked work returned" in m.subject for m in mail.outbox)
    # The same return, told again (a retried task), e-mails nobody twice.
    from portal.notifications.services import notify_work_returned

    assert notify_work_returned(submission=work, generation=work.times_returned) == 0
