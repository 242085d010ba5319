"""Teachers author homework; centre admins review it; nothing reaches students before it is live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from portal.centres.models import Membership, Role
from portal.classes.models import SchoolClass
from portal.homework.models import Homework
from portal.notifications.models import NotificationLog
from tests.homework.helpers import form_errors, homework_form, url, workflow_action

pytestmark = pytest.mark.django_db
TEACHER = "teacher1@riverside.example"  # teaches 7M1 and 7S1
OTHER_TEACHER = "teacher2@riverside.example"  # teaches 7E1 and 7S1, not 7M1
ADMIN = "admin@riverside.example"


@pytest.fixture
def maths(riverside):
    return SchoolClass.objects.get(centre=riverside, code="7M1")


def create(client, school_class, **overrides):
    return client.post(url("add"), homework_form(school_class, **overrides))


def latest(title="Reading log") -> Homework:
    return Homework.objects.filter(title=title).latest("pk")


def test_teacher_saves_a_draft_that_students_cannot_see(client_for, maths, person):
    response = create(client_for(TEACHER), maths)
    assert response.status_code == 302, form_errors(response)
    homework = latest()
    assert not homework.live and homework.created_by.email == TEACHER
    student = person("student1@riverside.example")
    assert not Homework.objects.visible_to(student).filter(pk=homework.pk).exists()


def test_due_time_is_read_in_the_centres_time_zone(client_for, maths, hillcrest):
    create(client_for(TEACHER), maths, title="London time")
    london = latest("London time")
    assert london.due_at == dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)  # GMT in December
    g4 = SchoolClass.objects.get(centre=hillcrest, code="G4-MATH")
    create(client_for("teacher1@hillcrest.example"), g4, title="New York time")
    new_york = latest("New York time")
    assert new_york.due_at == dt.datetime(2026, 12, 4, 14, 0, tzinfo=dt.UTC)  # EST


def test_teacher_cannot_set_homework_for_a_class_they_do_not_teach(client_for, riverside):
    english = SchoolClass.objects.get(centre=riverside, code="7E1")
    response = create(client_for(TEACHER), english, title="Not mine")
    assert "school_class" in form_errors(response)
    assert not Homework.objects.filter(title="Not mine").exists()


def test_homework_for_a_class_of_another_centre_is_refused(client_for, hillcrest):
    g4 = SchoolClass.objects.get(centre=hillcrest, code="G4-MATH")
    response = create(client_for(ADMIN), g4, title="Wrong centre")
    assert "school_class" in form_errors(response)
    assert not Homework.objects.filter(title="Wrong centre").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"set_on": "2026-12-10", "due_at": "2026-12-04 09:00"}, "due_at"),
        ({"go_live_at": "2020-01-01 08:00"}, "go_live_at"),
        ({"due_at": "not a date"}, "due_at"),
    ],
)
def test_bad_dates_are_form_errors(client_for, maths, overrides, field):
    response = create(client_for(TEACHER), maths, title="Bad dates", **overrides)
    assert field in form_errors(response)
    assert not Homework.objects.filter(title="Bad dates").exists()


def test_teacher_without_the_right_cannot_publish(client_for, maths):
    client = client_for(TEACHER)
    response = client.get(url("add"))
    assert b'name="action-publish"' not in response.content
    response = client.post(
        url("add"), {**homework_form(maths, title="Sneaky"), "action-publish": "1"}
    )
    homework = latest("Sneaky")
    assert not homework.live
    assert not NotificationLog.objects.filter(object_id=homework.pk).exists()


def test_trusted_teacher_publishes_directly(client_for, maths, riverside, person):
    Membership.objects.filter(user=person(TEACHER), centre=riverside, role=Role.TEACHER).update(
        publishes_directly=True
    )
    client = client_for(TEACHER)
    assert b'name="action-publish"' in client.get(url("add")).content
    client.post(url("add"), {**homework_form(maths, title="Trusted"), "action-publish": "1"})
    assert latest("Trusted").live


def test_review_flow_request_changes_then_approve(client_for, maths, person):
    teacher, admin = client_for(TEACHER), None
    create(teacher, maths, title="Review me")
    homework = latest("Review me")
    edit = url("edit", homework.pk)
    form = homework_form(maths, title="Review me")
    assert teacher.post(edit, {**form, "action-submit": "1"}).status_code == 302
    homework.refresh_from_db()
    assert homework.workflow_in_progress and not homework.live

    # The teacher cannot approve their own homework.
    assert workflow_action(teacher, homework, "approve").status_code in (302, 403)
    homework.refresh_from_db()
    assert not homework.live and homework.workflow_in_progress

    admin = client_for(ADMIN)
    response = workflow_action(admin, homework, "reject", comment="Add the page numbers, please.")
    assert response.status_code in (200, 302)
    state = WorkflowState.objects.for_instance(homework).latest("created_at")
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "Add the page numbers" in teacher.get(edit).content.decode()

    teacher.post(edit, {**form, "title": "Review me", "action-submit": "1"})
    homework.refresh_from_db()
    assert homework.workflow_in_progress
    workflow_action(admin, homework, "approve")
    homework.refresh_from_db()
    assert homework.live and not homework.workflow_in_progress
    student = person("student3@riverside.example")
    assert Homework.objects.visible_to(student).filter(pk=homework.pk).exists()


def test_admin_of_another_centre_cannot_review(client_for, maths):
    teacher = client_for(TEACHER)
    create(teacher, maths, title="Ours")
    homework = latest("Ours")
    teacher.post(
        url("edit", homework.pk), {**homework_form(maths, title="Ours"), "action-submit": "1"}
    )
    response = workflow_action(client_for("admin@hillcrest.example"), homework, "approve")
    assert response.status_code == 404
    homework.refresh_from_db()
    assert not homework.live


def test_teacher_of_another_class_finds_nothing(client_for, maths):
    create(client_for(TEACHER), maths, title="Maths only")
    homework = latest("Maths only")
    other = client_for(OTHER_TEACHER)
    for name in ("edit", "inspect", "history", "preview_on_edit", "revisions_compare"):
        args = [homework.pk] if name != "revisions_compare" else [homework.pk, "earliest", "latest"]
        try:
            target = url(name, *args)
        except Exception:
            continue
        assert other.get(target).status_code == 404, name
    listing = other.get(url("list"))
    assert homework.pk not in {h.pk for h in listing.context["object_list"]}


def test_preview_shows_what_a_student_will_see(client_for, maths):
    client = client_for(TEACHER)
    create(client, maths, title="Preview me")
    homework = latest("Preview me")
    client.post(url("preview_on_edit", homework.pk), homework_form(maths, title="Preview me"))
    response = client.get(url("preview_on_edit", homework.pk))
    assert response.status_code == 200
    assert "Read chapter 3" in response.content.decode()


def test_unpublished_homework_disappears_for_students(client_for, riverside, person):
    homework = Homework.objects.get(school_class__centre=riverside, title="Fractions practice")
    student = person("student1@riverside.example")
    assert (
        client_for(student.email).get(reverse("homework:detail", args=[homework.pk])).status_code
        == 200
    )
    admin = client_for(ADMIN)
    assert admin.post(url("unpublish", homework.pk)).status_code == 302
    homework.refresh_from_db()
    assert not homework.live
    assert (
        client_for(student.email).get(reverse("homework:detail", args=[homework.pk])).status_code
        == 404
    )


class TestAttachments:
    """Attachments are documents of the centre; odd types and huge files are refused."""

    @pytest.fixture
    def document(self, riverside, tmp_path):
        from django.core.files.base import ContentFile
        from wagtail.documents.models import Document

        def make(name: str, size: int = 10):
            doc = Document(title=name, collection=riverside.collection)
            doc.file.save(name, ContentFile(b"x" * size), save=False)
            doc.save()
            return doc

        return make

    def post_with(self, client, maths, document):
        data = homework_form(maths, title="With attachment")
        data.update(
            {
                "attachments-TOTAL_FORMS": "1",
                "attachments-0-document": str(document.pk),
                "attachments-0-ORDER": "1",
                "attachments-0-id": "",
                "attachments-0-DELETE": "",
            }
        )
        return client.post(url("add"), data)

    def test_a_worksheet_is_attached(self, client_for, maths, document):
        response = self.post_with(client_for(TEACHER), maths, document("worksheet.pdf"))
        assert response.status_code == 302
        assert latest("With attachment").attachments.get().document.title == "worksheet.pdf"

    def test_a_forbidden_type_is_refused(self, client_for, maths, document):
        response = self.post_with(client_for(TEACHER), maths, document("run-me.exe"))
        assert response.status_code == 200
        assert "cannot be attached" in response.content.decode()
        assert not Homework.objects.filter(title="With attachment").exists()

    def test_a_file_over_100_mb_is_refused(self, client_for, maths, document, monkeypatch):
        from portal.homework import models

        monkeypatch.setattr(models, "MAX_ATTACHMENT_BYTES", 1024)  # same rule, smaller file
        response = self.post_with(client_for(TEACHER), maths, document("big.pdf", size=2048))
        assert response.status_code == 200
        assert "attachments may be up to" in response.content.decode()
        assert not Homework.objects.filter(title="With attachment").exists()
