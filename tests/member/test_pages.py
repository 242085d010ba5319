"""Member pages end to end in-process: handing in, grading, the zip, notices, settings, feeds
and signing in, with the bad input the issue lists."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from portal.centres.models import Guardianship
from portal.homework.models import Homework, LatePolicy
from portal.member.models import CalendarFeed
from portal.notifications.models import Notice
from portal.submissions.models import Submission
from tests.submissions.conftest import upload

pytestmark = pytest.mark.django_db
STUDENT = "student1@riverside.example"


def detail(homework) -> str:
    return reverse("homework:detail", args=[homework.pk])


def test_a_student_hands_in_a_file_and_sees_it_submitted(client_for, set_homework, private_files):
    homework = set_homework("riverside", "7M1")
    client = client_for(STUDENT)
    response = client.post(detail(homework), {"text": "", "files": [upload("essay.txt")]})
    assert response.status_code == 302
    page = client.get(detail(homework))
    assert b'id="submission-status">Submitted' in page.content
    submission = Submission.objects.get(homework=homework)
    assert [f.name for f in submission.files.all()] == ["essay.txt"]


def test_late_work_refused_by_policy_gets_a_clear_message(client_for, set_homework, private_files):
    homework = set_homework(
        "riverside", "7M1", due_in=dt.timedelta(hours=-2), late_policy=LatePolicy.REFUSE
    )
    client = client_for(STUDENT)
    assert b"You can no longer hand this in" in client.get(detail(homework)).content
    response = client.post(detail(homework), {"text": "sorry, late", "files": [upload()]})
    assert response.status_code == 200
    assert b"late work is not accepted" in response.content
    assert not Submission.objects.filter(homework=homework).exists()
    assert not any(private_files.rglob("*"))


def test_an_empty_or_oversized_hand_in_is_refused_with_a_message(
    client_for, set_homework, settings, private_files
):
    settings.SUBMISSION_MAX_FILE_BYTES = 5
    homework = set_homework("riverside", "7M1")
    client = client_for(STUDENT)
    empty = client.post(detail(homework), {"text": ""})
    assert b"Write an answer or attach at least one file" in empty.content
    big = client.post(detail(homework), {"files": [upload(content=b"123456")]})
    assert b"each file may be up to 5" in big.content
    assert not Submission.objects.filter(homework=homework).exists()


def test_a_file_name_with_a_path_lands_inside_the_submission_folder(
    client_for, set_homework, private_files
):
    homework = set_homework("riverside", "7M1")
    client_for(STUDENT).post(detail(homework), {"files": [upload("../../../etc/cron.d/x.txt")]})
    handed_in = Submission.objects.get(homework=homework).files.get()
    assert handed_in.name == "x.txt"
    stored = private_files / handed_in.file.name
    assert stored.is_file() and stored.resolve().is_relative_to(private_files / "submissions")


def test_teacher_grades_and_returns_and_the_family_is_told(client_for, set_homework, person):
    homework = set_homework("riverside", "7M1", title="Ratio problems")
    client_for(STUDENT).post(detail(homework), {"text": "1:2"})
    submission = Submission.objects.get(homework=homework)
    teacher = client_for("teacher1@riverside.example")
    url = reverse("member:submission", args=[submission.pk])
    refused = teacher.post(url, {"points": 25, "feedback": "x", "return": "1"})
    assert b"less than or equal to 20" in refused.content
    teacher.post(url, {"points": 18, "feedback": "Lovely working", "return": "1"})
    submission.refresh_from_db()
    assert (submission.points, submission.is_returned) == (18, True)
    told = set(
        Notice.objects.filter(title="Returned: Ratio problems").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {STUDENT, "parent1@riverside.example"}
    child_page = client_for("parent1@riverside.example").get(
        reverse("member:child", args=[person(STUDENT).pk])
    )
    assert b"18/20" in child_page.content and b"Lovely working" in child_page.content


def test_bulk_return_from_the_inbox(client_for):
    reading = Homework.objects.get(title="Reading log", school_class__centre__slug="riverside")
    waiting = Submission.objects.filter(homework=reading, returned_at__isnull=True)
    ids = list(waiting.values_list("pk", flat=True))
    assert len(ids) == 5
    client = client_for("teacher2@riverside.example")
    inbox = client.get(reverse("member:inbox", args=[reading.pk]))
    assert inbox.content.count(b'class="status status-missing"') == 12  # 20 in class, 8 in
    assert inbox.content.count(b'class="status status-late"') == 2
    client.post(reverse("member:inbox", args=[reading.pk]), {"submission": ids})
    assert not waiting.exists()
    assert Notice.objects.filter(kind="grade", object_id__in=ids).count() >= 5


def test_the_zip_has_every_submission_with_its_files(client_for):
    reading = Homework.objects.get(title="Reading log", school_class__centre__slug="riverside")
    response = client_for("teacher2@riverside.example").get(
        reverse("member:inbox_zip", args=[reading.pk])
    )
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len([n for n in names if n.endswith("answer.txt")]) == 8
    assert len([n for n in names if re.search(r"/work-\d\.txt$", n)]) == 8
    assert len({n.split("/")[0] for n in names if "_LATE" in n}) == 2
    first_file = next(n for n in names if n.endswith("work-1.txt"))
    assert archive.read(first_file) == b"1. 3/4\n2. 5/8\n"


def test_notices_are_listed_opened_and_marked_read(client_for, person):
    client = client_for(STUDENT)
    mine = Notice.objects.filter(recipient=person(STUDENT))
    assert mine.unread().count() == 2
    page = client.get(reverse("member:notices"))
    assert page.content.count(b"Returned: ") == 2
    notice = mine.first()
    opened = client.get(reverse("member:notice", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == notice.link
    assert mine.unread().count() == 1
    client.post(reverse("member:notices"))
    assert mine.unread().count() == 0
    others = Notice.objects.exclude(recipient=person(STUDENT)).first()
    assert client.get(reverse("member:notice", args=[others.pk])).status_code == 404


def test_guardian_sets_notifications_per_child(client_for, person):
    client = client_for("parent1@riverside.example")
    links = Guardianship.objects.filter(guardian=person("parent1@riverside.example"))
    first, second = links.order_by("student__pk")
    kinds = ("pk", *Guardianship.EMAIL_KINDS)
    response = client.post(
        reverse("member:preferences"),
        {"save_notify": "1", f"notify_{second.pk}": ["weekly_digest", "reminder_copies"]},
    )
    assert response.status_code == 302
    chosen = {first.pk: (False, False, False), second.pk: (False, True, True)}
    assert {pk: tuple(on) for pk, *on in links.values_list(*kinds)} == chosen
    bad = client.post(
        reverse("member:preferences"),
        {"save_notify": "1", f"notify_{first.pk}": "sms", f"notify_{second.pk}": []},
    )
    assert bad.status_code == 200 and b"Select a valid choice" in bad.content
    assert {pk: tuple(on) for pk, *on in links.values_list(*kinds)} == chosen


def test_calendar_feed_lists_due_dates_and_a_reset_revokes_it(client_for, client, person):
    owner = client_for("parent1@riverside.example")
    owner.get(reverse("member:preferences"))
    token = CalendarFeed.objects.get(user=person("parent1@riverside.example")).token
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    summaries = {str(event["SUMMARY"]) for event in events}
    assert "Due: Fractions practice (7M1)" in summaries
    assert not any("Times tables" in s for s in summaries)  # still in review
    assert not any("G4" in s for s in summaries)  # the other centre's
    owner.post(reverse("member:preferences"), {"reset_calendar": "1"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/forged-token-123.ics").status_code == 404


def test_sign_in_and_out_on_the_member_site(client):
    page = client.get(reverse("member:dashboard"))
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"username": STUDENT, "password": "portal-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("member:dashboard")
    assert response.context["user"].email == STUDENT
    client.post("/accounts/logout/")
    assert client.get(reverse("member:dashboard")).status_code == 302


def test_password_reset_by_email_then_sign_in_with_the_new_one(client):
    client.post(reverse("account_reset_password"), {"email": STUDENT})
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "password1" in form.context["form"].fields
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"password1": "Sunflower-fields-9", "password2": "Sunflower-fields-9"}
    )
    assert done.status_code == 302
    client.logout()
    assert client.login(username=STUDENT, password="Sunflower-fields-9")


def test_unknown_address_gets_no_reset_mail(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and mail.outbox == []


def test_change_password(client_for):
    client = client_for(STUDENT)
    page = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "portal-demo",
            "password1": "Rainy-afternoon-42",
            "password2": "Rainy-afternoon-42",
        },
    )
    assert page.status_code == 302
    client.logout()
    assert client.login(username=STUDENT, password="Rainy-afternoon-42")
