"""The submissions API beyond the role matrix: uploads, hidden grades, the zip, bulk return."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.notifications.models import Notice
from portal.submissions.models import GradeChange, Submission
from tests.submissions.conftest import upload

pytestmark = pytest.mark.django_db
STUDENT = "student1@riverside.example"
TEACHER = "teacher1@riverside.example"


def test_a_student_uploads_files_with_multipart(api_for, set_homework, private_files):
    homework = set_homework("riverside", "7M1")
    response = api_for(STUDENT).post(
        "/api/v1/submissions/",
        {
            "homework": homework.pk,
            "text": "see files",
            "upload": [upload("a.txt"), upload("b.txt")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [f["name"] for f in body["files"]] == ["a.txt", "b.txt"]
    assert body["status"] == "submitted" and body["points"] is None


def test_bad_input_is_a_400_in_the_error_shape(api_for, set_homework, settings, private_files):
    settings.SUBMISSION_MAX_FILE_BYTES = 2
    homework = set_homework("riverside", "7M1")
    client = api_for(STUDENT)
    empty = client.post("/api/v1/submissions/", {"homework": homework.pk}, format="json")
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "invalid"
    big = client.post(
        "/api/v1/submissions/", {"homework": homework.pk, "upload": [upload()]}, format="multipart"
    )
    assert big.status_code == 400 and "files" in big.json()["error"]["fields"]
    unknown = client.post(
        "/api/v1/submissions/", {"homework": homework.pk, "grade": 20}, format="json"
    )
    assert unknown.status_code == 400
    assert not Submission.objects.filter(homework=homework).exists()


def test_points_reach_the_student_only_once_returned(api_for, set_homework):
    homework = set_homework("riverside", "7M1")
    mine = api_for(STUDENT).post(
        "/api/v1/submissions/", {"homework": homework.pk, "text": "x"}, format="json"
    )
    url = f"/api/v1/submissions/{mine.json()['id']}/"
    graded = api_for(TEACHER).post(url + "grade/", {"points": 11, "feedback": "ok"}, format="json")
    assert graded.json()["points"] == 11  # the grader sees their draft grade
    assert api_for(STUDENT).get(url).json()["points"] is None
    assert api_for("parent1@riverside.example").get(url).json()["feedback"] == ""
    api_for(TEACHER).post(url + "return/")
    assert api_for(STUDENT).get(url).json()["points"] == 11
    assert GradeChange.objects.filter(submission_id=mine.json()["id"]).count() == 1


def test_bulk_return_and_the_zip(api_for):
    client = api_for("teacher2@riverside.example")
    waiting = Submission.objects.filter(
        homework__title="Reading log",
        homework__school_class__centre__slug="riverside",
        returned_at__isnull=True,
    )
    homework_id = waiting.first().homework_id
    ids = list(waiting.values_list("pk", flat=True))
    returned = client.post("/api/v1/submissions/bulk-return/", {"submissions": ids}, format="json")
    assert returned.json() == {"returned": len(ids)}
    assert not waiting.exists()
    assert Notice.objects.filter(object_id__in=ids, kind="grade").exists()
    response = client.get(f"/api/v1/submission-archives/{homework_id}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert len([n for n in names if n.endswith("answer.txt")]) == 8


def test_notices_and_preferences_over_the_api(api_for, person):
    student = api_for(STUDENT)
    listed = student.get("/api/v1/notices/").json()["results"]
    assert len(listed) == 2 and all(n["read_at"] is None for n in listed)
    assert student.post(f"/api/v1/notices/{listed[0]['id']}/read/").json() == {"marked": 1}
    assert student.post("/api/v1/notices/read-all/").json() == {"marked": 1}
    parent = api_for("parent1@riverside.example")
    links = parent.get("/api/v1/notification-preferences/").json()["results"]
    assert len(links) == 2
    changed = parent.patch(
        f"/api/v1/notification-preferences/{links[0]['id']}/",
        {"email_notices": False, "reminder_copies": True},
        format="json",
    )
    assert changed.json() | {"child": None} == links[0] | {
        "child": None,
        "email_notices": False,
        "reminder_copies": True,
    }
    for wrong in ({"notify": "off"}, {"weekly_digest": "sometimes"}):
        answer = parent.patch(
            f"/api/v1/notification-preferences/{links[0]['id']}/", wrong, format="json"
        )
        assert answer.status_code == 400


def test_the_calendar_address_is_reset_over_the_api(api_for, client):
    me = api_for(STUDENT)
    old = me.get("/api/v1/calendar/").json()["url"]
    path = old.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    new = me.post("/api/v1/calendar/reset/").json()["url"]
    assert new != old and client.get(path).status_code == 404


@pytest.mark.parametrize(
    "reader", [TEACHER, STUDENT, "parent1@riverside.example", "admin@example.com"]
)
def test_the_list_rows_are_what_the_serializer_gives(reader, api_for, set_homework, private_files):
    """The list reads values() for speed; each row must equal the object as retrieved (files,
    the nested person, status, and points hidden until returned unless the reader grades)."""
    homework = set_homework("riverside", "7M1")
    handed_in = api_for(STUDENT).post(
        "/api/v1/submissions/",
        {"homework": homework.pk, "text": "x", "upload": [upload("a.txt"), upload("b.txt")]},
        format="multipart",
    )
    url = f"/api/v1/submissions/{handed_in.json()['id']}/"
    api_for(TEACHER).post(url + "grade/", {"points": 7, "feedback": "good"}, format="json")
    client = api_for(reader)
    rows = client.get("/api/v1/submissions/", {"page_size": 200}).json()["results"]
    assert any(row["files"] for row in rows), "the control needs a row with files"
    for row in rows:
        assert row == client.get(f"/api/v1/submissions/{row['id']}/").json()
    by_ordering = client.get("/api/v1/submissions/", {"page_size": 200, "ordering": "-id"})
    assert by_ordering.json()["results"] == rows


def test_an_app_downloads_files_by_the_links_it_is_given(
    api_for, set_homework, private_files, settings, tmp_path
):
    """The `download` links of handed-in files and of homework attachments are API addresses:
    a bearer token is enough (no session), and only those who see the work get the bytes."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from portal.homework.models import HomeworkAttachment

    settings.MEDIA_ROOT = tmp_path / "media"
    homework = set_homework("riverside", "7M1")
    document = get_document_model()(title="Worksheet")
    document.file.save("worksheet.pdf", ContentFile(b"%PDF-1.4 fractions"), save=False)
    document.save()
    HomeworkAttachment.objects.create(homework=homework, document=document)
    student = api_for(STUDENT)
    handed_in = student.post(
        "/api/v1/submissions/",
        {"homework": homework.pk, "text": "", "upload": [upload("mine.txt", b"3/4\n")]},
        format="multipart",
    ).json()

    (attachment,) = student.get(f"/api/v1/homework/{homework.pk}/").json()["attachments"]
    (mine,) = handed_in["files"]
    (listed,) = (
        api_for(TEACHER)
        .get("/api/v1/submissions/", {"homework": homework.pk})
        .json()["results"][0]["files"]
    )
    assert listed["download"] == mine["download"]
    for reader, link, content in (
        (STUDENT, attachment["download"], b"%PDF-1.4 fractions"),
        ("parent1@riverside.example", attachment["download"], b"%PDF-1.4 fractions"),
        (STUDENT, mine["download"], b"3/4\n"),
        (TEACHER, mine["download"], b"3/4\n"),
    ):
        response = api_for(reader).get(link)
        assert response.status_code == 200, (reader, link)
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment")
    for outsider in ("student2@riverside.example", "teacher1@hillcrest.example"):
        assert api_for(outsider).get(mine["download"]).status_code == 404
    assert api_for("student1@hillcrest.example").get(attachment["download"]).status_code == 404
    assert api_for(None).get(mine["download"]).status_code == 401
