"""Who may open what on the member site, across both demo centres: everything else is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.homework.models import Homework, HomeworkAttachment
from portal.submissions import services
from portal.submissions.models import Submission, SubmissionFile
from tests.submissions.conftest import upload

pytestmark = pytest.mark.django_db


def work_of(student_email: str, slug: str, person) -> Submission:
    """The demo's on-time "Reading log" work of a student (returned for students 1-3)."""
    return Submission.objects.get(
        homework__title="Reading log",
        homework__school_class__centre__slug=slug,
        student=person(student_email),
    )


@pytest.mark.parametrize(
    ("viewer", "owner", "status"),
    [
        ("student1@riverside.example", "student1@riverside.example", 200),
        ("student2@riverside.example", "student1@riverside.example", 404),
        ("student1@riverside.example", "student1@hillcrest.example", 404),
        ("parent1@riverside.example", "student1@riverside.example", 200),
        ("parent2@riverside.example", "student1@riverside.example", 404),
        ("parent1@hillcrest.example", "student1@riverside.example", 404),
        ("teacher2@riverside.example", "student1@riverside.example", 200),  # teaches 7E1
        ("teacher1@riverside.example", "student1@riverside.example", 404),  # does not
        ("teacher2@hillcrest.example", "student1@riverside.example", 404),
        ("admin@hillcrest.example", "student1@riverside.example", 404),
        ("admin@riverside.example", "student1@riverside.example", 200),
    ],
)
def test_submission_pages_and_files(client_for, person, viewer, owner, status):
    slug = owner.split("@")[1].split(".")[0]
    submission = work_of(owner, slug, person)
    handed_in = SubmissionFile.objects.filter(submission=submission).first()
    client = client_for(viewer)
    assert client.get(reverse("member:submission", args=[submission.pk])).status_code == status
    file_url = reverse("member:submission_file", args=[submission.pk, handed_in.pk])
    response = client.get(file_url)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")


def test_a_file_is_not_reachable_under_another_submission(client_for, person):
    mine = work_of("student1@riverside.example", "riverside", person)
    theirs = work_of("student2@riverside.example", "riverside", person)
    their_file = theirs.files.get()
    url = reverse("member:submission_file", args=[mine.pk, their_file.pk])
    assert client_for("student1@riverside.example").get(url).status_code == 404


@pytest.mark.parametrize(
    ("viewer", "slug", "child", "status"),
    [
        ("parent1@riverside.example", "riverside", "student1@riverside.example", 200),
        ("parent1@riverside.example", "riverside", "student16@riverside.example", 200),
        ("parent1@riverside.example", "riverside", "student2@riverside.example", 404),
        ("parent1@riverside.example", "hillcrest", "student1@hillcrest.example", 404),
        ("student1@riverside.example", "riverside", "student1@riverside.example", 404),
        ("admin@riverside.example", "riverside", "student1@riverside.example", 404),
    ],
)
def test_guardians_open_only_their_own_childrens_pages(
    client_for, person, viewer, slug, child, status
):
    response = client_for(viewer).get(reverse("member:child", args=[person(child).pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("viewer", "slug", "status"),
    [
        ("teacher1@riverside.example", "riverside", 200),
        ("admin@riverside.example", "riverside", 200),
        ("teacher2@riverside.example", "riverside", 404),
        ("student1@riverside.example", "riverside", 404),
        ("parent1@riverside.example", "riverside", 404),
        ("teacher1@riverside.example", "hillcrest", 404),
        ("admin@riverside.example", "hillcrest", 404),
        ("teacher1@hillcrest.example", "hillcrest", 200),
    ],
)
def test_inbox_and_zip_are_for_the_class_teachers_and_admins(client_for, viewer, slug, status):
    homework = Homework.objects.get(title="Fractions practice", school_class__centre__slug=slug)
    client = client_for(viewer)
    assert client.get(reverse("member:inbox", args=[homework.pk])).status_code == status
    assert client.get(reverse("member:inbox_zip", args=[homework.pk])).status_code == status
    before = Submission.objects.filter(homework=homework, returned_at__isnull=False).count()
    ids = list(Submission.objects.filter(homework=homework).values_list("pk", flat=True))
    client.post(reverse("member:inbox", args=[homework.pk]), {"submission": ids})
    after = Submission.objects.filter(homework=homework, returned_at__isnull=False).count()
    assert (after > before) == (status == 200)


def test_grading_posts_by_readers_change_nothing(client_for, person):
    submission = work_of("student4@riverside.example", "riverside", person)
    for reader in ("student4@riverside.example", "parent4@riverside.example"):
        response = client_for(reader).post(
            reverse("member:submission", args=[submission.pk]),
            {"points": 10, "feedback": "self-marked", "return": "1"},
        )
        assert response.status_code == 404
    submission.refresh_from_db()
    assert (submission.points, submission.returned_at) == (None, None)


def test_points_and_feedback_stay_hidden_until_returned(client_for, person):
    submission = work_of("student4@riverside.example", "riverside", person)
    services.submission_grade(
        submission=submission,
        points=3,
        feedback="Not yet shown",
        by=person("teacher2@riverside.example"),
    )
    page = client_for("student4@riverside.example").get(
        reverse("member:submission", args=[submission.pk])
    )
    assert b"Not yet shown" not in page.content
    services.submission_return(submission=submission, by=person("teacher2@riverside.example"))
    page = client_for("student4@riverside.example").get(
        reverse("member:submission", args=[submission.pk])
    )
    assert b"Not yet shown" in page.content


def test_attachments_download_only_for_people_who_see_the_homework(
    client_for, person, set_homework, settings, tmp_path
):
    from wagtail.documents import get_document_model

    settings.MEDIA_ROOT = tmp_path / "media"
    document = get_document_model().objects.create(
        title="Worksheet", file=upload("worksheet.pdf", b"%PDF-1.4 demo")
    )
    homework = set_homework("riverside", "7M1")
    attachment = HomeworkAttachment.objects.create(homework=homework, document=document)
    url = reverse("homework:attachment", args=[homework.pk, attachment.pk])
    assert client_for("student1@riverside.example").get(url).status_code == 200
    assert client_for("parent1@riverside.example").get(url).status_code == 200
    assert client_for("student1@hillcrest.example").get(url).status_code == 404
    assert client_for("teacher2@riverside.example").get(url).status_code == 404
    # Wagtail's own document address needs the same reason to see it.
    wagtail_url = document.url
    assert client_for("student1@riverside.example").get(wagtail_url).status_code == 200
    assert client_for("student1@hillcrest.example").get(wagtail_url).status_code == 404
    assert client_for("teacher1@riverside.example").get(wagtail_url).status_code == 200


def test_a_public_address_guessed_from_a_file_name_is_not_found(client_for, person, client):
    handed_in = work_of("student1@riverside.example", "riverside", person).files.get()
    for guess in (f"/media/{handed_in.file.name}", f"/private/{handed_in.file.name}"):
        assert client.get(guess).status_code == 404
        assert client_for("student1@riverside.example").get(guess).status_code == 404


def test_nginx_serves_private_files_after_the_check(client_for, person, settings):
    settings.PRIVATE_FILES_SERVER = "nginx"
    submission = work_of("student1@riverside.example", "riverside", person)
    handed_in = submission.files.get()
    url = reverse("member:submission_file", args=[submission.pk, handed_in.pk])
    response = client_for("student1@riverside.example").get(url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/private/{handed_in.file.name}"
    assert client_for("student2@riverside.example").get(url).status_code == 404
