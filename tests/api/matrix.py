"""Who may call which API operation: the expected status per role, for the caller's own centre
and for the other centre. Every operation in the OpenAPI schema must have an entry here.

Callers are Riverside people; "own" targets are Riverside objects, "other" targets Hillcrest
ones (for collection operations, "other" means a request body aimed at Hillcrest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from portal.accounts.models import User
from portal.announcements.models import Announcement
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework

ROLES = ("platform", "admin", "teacher", "other_teacher", "student", "guardian", "anonymous")
CALLERS = {
    "platform": "admin@example.com",
    "admin": "admin@riverside.example",
    "teacher": "teacher1@riverside.example",  # teaches 7M1 and 7S1
    "other_teacher": "teacher2@riverside.example",  # does not teach 7M1
    "student": "student1@riverside.example",
    "guardian": "parent1@riverside.example",  # student1's parent
    "anonymous": None,
}


def expect(codes: str) -> dict[str, int]:
    """`expect("200 200 403 404 403 403 401")`, in the order of ROLES."""
    values = [int(code) for code in codes.split()]
    assert len(values) == len(ROLES)
    return dict(zip(ROLES, values, strict=True))


def person(email: str) -> User:
    return User.objects.get(email=email)


def demo(centre: Centre, local: str) -> User:
    return person(f"{local}@{centre.slug}.example")


def first_class(centre: Centre) -> SchoolClass:
    return SchoolClass.objects.filter(centre=centre).order_by("pk").first()


def first_enrollment(centre: Centre) -> Enrollment:
    return Enrollment.objects.filter(
        school_class=first_class(centre), student=demo(centre, "student1")
    ).get()


def student1_membership(centre: Centre) -> Membership:
    return Membership.objects.get(centre=centre, user=demo(centre, "student1"), role=Role.STUDENT)


def parent1_link(centre: Centre) -> Guardianship:
    return Guardianship.objects.get(
        centre=centre, guardian=demo(centre, "parent1"), student=demo(centre, "student1")
    )


def live_homework(centre: Centre) -> Homework:
    return Homework.objects.get(school_class=first_class(centre), title="Fractions practice")


def handout(centre: Centre):
    """A worksheet handed out with the centre's live homework."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from portal.homework.models import HomeworkAttachment

    document = get_document_model()(title="Worksheet", collection=centre.collection)
    document.file.save("worksheet.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    document.save()
    return HomeworkAttachment.objects.create(homework=live_homework(centre), document=document)


def homework_in_review(centre: Centre) -> Homework:
    return Homework.objects.get(school_class=first_class(centre), title="Times tables quiz")


def new_draft(centre: Centre) -> Homework:
    """A fresh draft for the centre's first class (7M1 at Riverside), by its teacher."""
    draft = Homework(
        school_class=first_class(centre),
        title="Matrix draft",
        instructions="<p>Draft.</p>",
        due_at=timezone.now() + dt.timedelta(days=7),
        live=False,
        created_by=demo(centre, "teacher1"),
    )
    draft.save()
    draft.save_revision(user=draft.created_by)
    return draft


def homework_body(centre: Centre) -> dict:
    return {
        "school_class": first_class(centre).pk,
        "title": "Matrix homework",
        "instructions": "<p>Do it.</p>",
        "set_on": "2026-11-30",
        "due_at": "2026-12-04T09:00:00Z",
        "late_policy": "accept",
    }


def class_list_upload(centre: Centre):
    """The centre's own class list, exported: importing it changes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.rosters.exports import roster_export
    from portal.rosters.models import RosterImport

    content = roster_export(centre=centre, kind=RosterImport.Kind.CLASSES).export("csv")
    return SimpleUploadedFile("classes.csv", content.encode(), "text/csv")


def roster_body(centre: Centre) -> dict:
    return {"centre": centre.pk, "kind": "classes", "file": class_list_upload(centre)}


def done_import(centre: Centre):
    from portal.rosters.models import RosterImport

    return RosterImport.objects.filter(centre=centre).order_by("pk").first()


def ready_import(centre: Centre):
    from portal.rosters import services
    from portal.rosters.models import RosterImport

    return services.roster_import_upload(
        centre=centre, kind=RosterImport.Kind.CLASSES, upload=class_list_upload(centre), by=None
    )


def welcome(centre: Centre) -> Announcement:
    return Announcement.objects.get(centre=centre, title="Welcome back!")


def class_body(centre: Centre) -> dict:
    return {
        "centre": centre.pk,
        "code": "NEW-1",
        "name": "New class",
        "subject": "Art",
        "year_group": "",
        "teachers": [demo(centre, "teacher1").pk],
    }


def unenrolled_pair(centre: Centre) -> dict:
    for school_class in SchoolClass.objects.filter(centre=centre):
        enrolled = set(school_class.enrollments.values_list("student", flat=True))
        for membership in Membership.objects.filter(centre=centre, role=Role.STUDENT):
            if membership.user_id not in enrolled:
                return {"school_class": school_class.pk, "student": membership.user_id}
    raise AssertionError(f"every student of {centre} is in every class")


def member_body(centre: Centre) -> dict:
    return {
        "centre": centre.pk,
        "email": "new.person@example.org",
        "first_name": "New",
        "role": Role.STUDENT,
    }


def link_body(centre: Centre) -> dict:
    return {
        "centre": centre.pk,
        "guardian": demo(centre, "parent15").pk,
        "student": demo(centre, "student14").pk,
        "relationship": "carer",
    }


def refresh_body(centre: Centre) -> dict:
    return {"refresh": str(RefreshToken.for_user(person(CALLERS["admin"])))}


def access_body(centre: Centre) -> dict:
    return {"token": str(RefreshToken.for_user(person(CALLERS["admin"])).access_token)}


@dataclass(frozen=True)
class Entry:
    own: dict[str, int]
    other: dict[str, int] | None = None
    target: Callable[[Centre], object] | None = None  # fills {id}
    body: Callable[[Centre], dict] | None = None
    multipart: bool = False  # send the body as a file upload form


EVERYONE_SIGNED_IN = expect("200 200 200 200 200 200 401")
ONLY_PLATFORM = expect("200 404 404 404 404 404 401")
ADMINS_ONLY = expect("200 200 403 403 403 403 401")
OTHER_CENTRE_FOR_ADMINS = expect("200 404 403 403 403 403 401")
CREATE = expect("201 201 403 403 403 403 401")
CREATE_ELSEWHERE = expect("201 400 403 403 403 403 401")
DELETE = expect("204 204 403 403 403 403 401")
DELETE_ELSEWHERE = expect("204 404 403 403 403 403 401")
CLASS_READ = expect("200 200 200 404 200 200 401")
CLASS_WRITE = expect("200 200 403 404 403 403 401")
CLASS_DELETE = expect("204 204 403 404 403 403 401")
CLASS_ELSEWHERE_DELETE = expect("204 404 404 404 404 404 401")
OPEN = expect("200 200 200 200 200 200 200")
STAFF_CREATE = expect("201 201 201 400 403 403 401")
STAFF_CREATE_ELSEWHERE = expect("201 400 400 400 403 403 401")
DRAFT_EDIT = expect("200 200 200 404 404 404 401")
DRAFT_DELETE = expect("204 204 204 404 404 404 401")
REVIEW = expect("200 200 403 404 404 404 401")
PUBLISH_DRAFT = expect("200 200 403 404 404 404 401")
UNPUBLISH_LIVE = expect("200 200 403 404 403 403 401")

MATRIX: dict[str, Entry] = {
    # Signing in and out works for anyone holding the right credentials or token.
    "auth_token_create": Entry(
        own=OPEN, body=lambda c: {"email": CALLERS["admin"], "password": "portal-demo"}
    ),
    "auth_token_refresh_create": Entry(own=OPEN, body=refresh_body),
    "auth_token_verify_create": Entry(own=OPEN, body=access_body),
    "auth_logout_create": Entry(own=expect("204 204 204 204 204 204 204"), body=refresh_body),
    "me_retrieve": Entry(own=EVERYONE_SIGNED_IN),
    "me_update": Entry(
        own=EVERYONE_SIGNED_IN, body=lambda c: {"first_name": "A", "last_name": "B", "phone": ""}
    ),
    "me_partial_update": Entry(own=EVERYONE_SIGNED_IN, body=lambda c: {"phone": "0123"}),
    "centres_list": Entry(own=EVERYONE_SIGNED_IN),
    "centres_retrieve": Entry(own=EVERYONE_SIGNED_IN, other=ONLY_PLATFORM, target=lambda c: c),
    "children_list": Entry(own=EVERYONE_SIGNED_IN),
    "children_retrieve": Entry(
        own=expect("404 404 404 404 404 200 401"),
        other=expect("404 404 404 404 404 404 401"),
        target=parent1_link,
    ),
    "classes_list": Entry(own=EVERYONE_SIGNED_IN),
    "classes_create": Entry(own=CREATE, other=CREATE_ELSEWHERE, body=class_body),
    "classes_retrieve": Entry(own=CLASS_READ, other=ONLY_PLATFORM, target=first_class),
    "classes_update": Entry(
        own=CLASS_WRITE,
        other=ONLY_PLATFORM,
        target=first_class,
        body=lambda c: {**class_body(c), "code": first_class(c).code},
    ),
    "classes_partial_update": Entry(
        own=CLASS_WRITE, other=ONLY_PLATFORM, target=first_class, body=lambda c: {"name": "Renamed"}
    ),
    "classes_destroy": Entry(own=CLASS_DELETE, other=CLASS_ELSEWHERE_DELETE, target=first_class),
    "enrollments_list": Entry(own=EVERYONE_SIGNED_IN),
    "enrollments_create": Entry(own=CREATE, other=CREATE_ELSEWHERE, body=unenrolled_pair),
    "enrollments_retrieve": Entry(own=CLASS_READ, other=ONLY_PLATFORM, target=first_enrollment),
    "enrollments_destroy": Entry(
        own=CLASS_DELETE, other=CLASS_ELSEWHERE_DELETE, target=first_enrollment
    ),
    "members_list": Entry(own=ADMINS_ONLY),
    "members_create": Entry(own=CREATE, other=CREATE_ELSEWHERE, body=member_body),
    "members_retrieve": Entry(
        own=ADMINS_ONLY, other=OTHER_CENTRE_FOR_ADMINS, target=student1_membership
    ),
    "members_update": Entry(
        own=ADMINS_ONLY,
        other=OTHER_CENTRE_FOR_ADMINS,
        target=student1_membership,
        body=lambda c: {"role": Role.STUDENT, "external_id": "S-0001", "is_active": True},
    ),
    "members_partial_update": Entry(
        own=ADMINS_ONLY,
        other=OTHER_CENTRE_FOR_ADMINS,
        target=student1_membership,
        body=lambda c: {"external_id": "S-0002"},
    ),
    "members_destroy": Entry(own=DELETE, other=DELETE_ELSEWHERE, target=student1_membership),
    "guardianships_list": Entry(own=ADMINS_ONLY),
    "guardianships_create": Entry(own=CREATE, other=CREATE_ELSEWHERE, body=link_body),
    "guardianships_retrieve": Entry(
        own=ADMINS_ONLY, other=OTHER_CENTRE_FOR_ADMINS, target=parent1_link
    ),
    "guardianships_destroy": Entry(own=DELETE, other=DELETE_ELSEWHERE, target=parent1_link),
    # Homework: readers see live work of their (children's) classes; authors their drafts.
    "homework_list": Entry(own=EVERYONE_SIGNED_IN),
    "homework_retrieve": Entry(own=CLASS_READ, other=ONLY_PLATFORM, target=live_homework),
    "homework_create": Entry(own=STAFF_CREATE, other=STAFF_CREATE_ELSEWHERE, body=homework_body),
    "homework_partial_update": Entry(
        own=DRAFT_EDIT, other=ONLY_PLATFORM, target=new_draft, body=lambda c: {"title": "New"}
    ),
    "homework_destroy": Entry(own=DRAFT_DELETE, other=CLASS_ELSEWHERE_DELETE, target=new_draft),
    "homework_submit_create": Entry(own=DRAFT_EDIT, other=ONLY_PLATFORM, target=new_draft),
    "homework_approve_create": Entry(own=REVIEW, other=ONLY_PLATFORM, target=homework_in_review),
    "homework_request_changes_create": Entry(
        own=REVIEW,
        other=ONLY_PLATFORM,
        target=homework_in_review,
        body=lambda c: {"comment": "Please add page numbers."},
    ),
    "homework_publish_create": Entry(own=PUBLISH_DRAFT, other=ONLY_PLATFORM, target=new_draft),
    "homework_unpublish_create": Entry(
        own=UNPUBLISH_LIVE, other=ONLY_PLATFORM, target=live_homework
    ),
    "homework_attachments_retrieve": Entry(own=CLASS_READ, other=ONLY_PLATFORM, target=handout),
    "roster_imports_list": Entry(own=ADMINS_ONLY),
    "roster_imports_create": Entry(
        own=CREATE, other=CREATE_ELSEWHERE, body=roster_body, multipart=True
    ),
    "roster_imports_retrieve": Entry(
        own=ADMINS_ONLY, other=OTHER_CENTRE_FOR_ADMINS, target=done_import
    ),
    "roster_imports_destroy": Entry(own=DELETE, other=DELETE_ELSEWHERE, target=done_import),
    "roster_imports_confirm_create": Entry(
        own=ADMINS_ONLY, other=OTHER_CENTRE_FOR_ADMINS, target=ready_import
    ),
    "announcements_list": Entry(own=EVERYONE_SIGNED_IN),
    "announcements_retrieve": Entry(own=EVERYONE_SIGNED_IN, other=ONLY_PLATFORM, target=welcome),
}

# The member site's operations; imported last because they build on the helpers above.
from tests.api.matrix_digests import DIGESTS  # noqa: E402
from tests.api.matrix_member import MEMBER_SITE  # noqa: E402
from tests.api.matrix_reports import REPORTS  # noqa: E402
from tests.api.matrix_whiteboard import WHITEBOARDS  # noqa: E402

MATRIX.update(MEMBER_SITE)
MATRIX.update(DIGESTS)
MATRIX.update(WHITEBOARDS)
MATRIX.update(REPORTS)


def reminder_run(centre: Centre):
    """A finished run of the centre's reminders (demo data has none: jobs run at 9:00)."""
    from django.utils import timezone

    from portal.schedules.models import Job, JobRun

    run, _ = JobRun.objects.get_or_create(
        job=Job.REMINDERS,
        centre=centre,
        period=timezone.localdate(),
        defaults={"started_at": timezone.now(), "status": JobRun.Status.DONE},
    )
    return run


MATRIX.update(
    {
        "job_runs_list": Entry(own=EVERYONE_SIGNED_IN),
        "job_runs_retrieve": Entry(
            own=expect("200 200 404 404 404 404 401"), other=ONLY_PLATFORM, target=reminder_run
        ),
    }
)


def latest_entry(centre: Centre):
    """The newest line of the centre's audit log (the demo's publishing wrote some)."""
    from portal.audit.models import CentreLogEntry

    return CentreLogEntry.objects.filter(centre=centre).first()


MATRIX.update(
    {
        # The audit log is for the centre's admins: others list nothing and find no entry.
        "audit_log_list": Entry(own=EVERYONE_SIGNED_IN),
        "audit_log_retrieve": Entry(
            own=expect("200 200 404 404 404 404 401"), other=ONLY_PLATFORM, target=latest_entry
        ),
    }
)
