"""The audit log: what the admin did at a centre is kept with the centre, outlives the object,
and is read by that centre's admins only (admin screen and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import CentreLogEntry
from portal.centres.scoping import centre_id_of
from portal.classes.models import SchoolClass
from portal.submissions.models import Submission
from portal.whiteboard.models import BoardOp
from tests.isolation import listed_on_all_pages

pytestmark = pytest.mark.django_db
RIVERSIDE_ADMIN = "admin@riverside.example"
CLASSES = "wagtailsnippets_classes_schoolclass"
AUDIT_LOG = "audit_log"


def rename(client, school_class: SchoolClass, name: str):
    data = {
        "centre": school_class.centre_id,
        "code": school_class.code,
        "name": name,
        "subject": school_class.subject,
        "year_group": school_class.year_group,
        "teachers": [t.pk for t in school_class.teachers.all()],
    }
    return client.post(reverse(f"{CLASSES}:edit", args=[school_class.pk]), data)


def test_an_edit_and_a_deletion_are_logged_with_the_centre(client_for, riverside, api_for):
    client = client_for(RIVERSIDE_ADMIN)
    school_class = SchoolClass.objects.filter(centre=riverside).first()
    assert rename(client, school_class, "Maths, set 1").status_code == 302
    assert client.post(reverse(f"{CLASSES}:delete", args=[school_class.pk])).status_code == 302
    assert not SchoolClass.objects.filter(pk=school_class.pk).exists()

    logged = CentreLogEntry.objects.get_for_model(SchoolClass)
    entries = logged.filter(object_id=str(school_class.pk)).order_by("timestamp")
    assert [(e.action, e.centre_id, e.user.email) for e in entries] == [
        ("wagtail.edit", riverside.pk, RIVERSIDE_ADMIN),
        ("wagtail.delete", riverside.pk, RIVERSIDE_ADMIN),
    ]
    # The deletion outlives the class, in the admin's log on both screens.
    deleted = entries.last()
    assert deleted.label == f"Maths, set 1 ({school_class.code})"
    listing = client.get(reverse(f"{AUDIT_LOG}:index"), {"q": "Maths, set 1"})
    assert b"Maths, set 1" in listing.content
    found = api_for(RIVERSIDE_ADMIN).get("/api/v1/audit-log/", {"action": "wagtail.delete"})
    assert deleted.pk in [row["id"] for row in found.json()["results"]]


def test_the_history_of_an_object_still_reads_its_log(client_for, riverside):
    client = client_for(RIVERSIDE_ADMIN)
    school_class = SchoolClass.objects.filter(centre=riverside).first()
    rename(client, school_class, "Renamed for history")
    history = client.get(reverse(f"{CLASSES}:history", args=[school_class.pk]))
    assert history.status_code == 200 and b"Renamed for history" in history.content


def test_a_centre_admin_reads_only_their_centres_log(client_for, riverside, hillcrest, api_for):
    for slug, centre in (("riverside", riverside), ("hillcrest", hillcrest)):
        rename(
            client_for(f"admin@{slug}.example"),
            SchoolClass.objects.filter(centre=centre)[0],
            f"Logged at {slug}",
        )
    theirs = set(CentreLogEntry.objects.filter(centre=hillcrest).values_list("pk", flat=True))
    ours = set(CentreLogEntry.objects.filter(centre=riverside).values_list("pk", flat=True))
    assert theirs and ours

    listed = listed_on_all_pages(
        client_for(RIVERSIDE_ADMIN), reverse(f"{AUDIT_LOG}:index"), CentreLogEntry
    )
    assert listed == ours
    page = client_for(RIVERSIDE_ADMIN).get(reverse(f"{AUDIT_LOG}:index")).content.decode()
    assert "admin@hillcrest" not in page and "Hillcrest" not in page  # nor in the filters

    rows, url = [], "/api/v1/audit-log/?page_size=200"
    while url:
        answer = api_for(RIVERSIDE_ADMIN).get(url).json()
        rows, url = rows + answer["results"], answer["next"]
    assert {row["id"] for row in rows} == ours
    assert {row["centre"] for row in rows} == {riverside.pk}
    other = next(iter(theirs))
    assert api_for(RIVERSIDE_ADMIN).get(f"/api/v1/audit-log/{other}/").status_code == 404
    assert (
        client_for(RIVERSIDE_ADMIN).get(reverse(f"{AUDIT_LOG}:inspect", args=[other])).status_code
        == 404
    )


def test_teachers_have_no_audit_log(client_for, api_for):
    assert api_for("teacher1@riverside.example").get("/api/v1/audit-log/").json()["results"] == []
    response = client_for("teacher1@riverside.example").get(reverse(f"{AUDIT_LOG}:index"))
    assert response.status_code in (302, 403)


def test_nobody_edits_the_log(client_for, riverside):
    entry = CentreLogEntry.objects.filter(centre=riverside).first()
    for name in ("add", "edit", "delete"):
        assert not any(pattern.name == name for pattern in _audit_urlpatterns()), (
            f"the audit log has a {name} view"
        )
    assert (
        client_for("admin@example.com")
        .get(reverse(f"{AUDIT_LOG}:inspect", args=[entry.pk]))
        .status_code
        == 200
    )


def _audit_urlpatterns():
    from portal.audit.wagtail_hooks import AuditLogViewSet

    return AuditLogViewSet("audit_log_probe").get_urlpatterns()


def test_the_api_filters_the_log_by_time_and_action(riverside, api_for):
    now = timezone.now()
    rows = (
        api_for(RIVERSIDE_ADMIN)
        .get("/api/v1/audit-log/", {"since": now.isoformat(), "page_size": 200})
        .json()["results"]
    )
    assert rows == []
    published = (
        api_for(RIVERSIDE_ADMIN)
        .get("/api/v1/audit-log/", {"action": "wagtail.publish", "until": now.isoformat()})
        .json()["results"]
    )
    assert published and {row["action"] for row in published} == {"wagtail.publish"}
    assert all(row["message"] and row["object_type"] for row in published)


@pytest.mark.parametrize(
    ("model", "path"),
    [
        (SchoolClass, "centre"),
        (Submission, "homework__school_class__centre"),
        (BoardOp, "board__school_class__centre"),
    ],
)
def test_the_centre_of_an_object_follows_its_models_path(model, path, riverside):
    instance = model.objects.filter(**{path: riverside}).first()
    assert instance is not None, f"the demo data has no {model.__name__} at Riverside"
    assert centre_id_of(instance) == riverside.pk
    assert centre_id_of(riverside) == riverside.pk


def test_writes_over_the_api_are_logged_as_the_admins_are(riverside, person, api_for):
    admin = api_for(RIVERSIDE_ADMIN)
    body = {"centre": riverside.pk, "code": "API-1", "name": "Made by an app"}
    created = admin.post("/api/v1/classes/", body, format="json").json()
    url = f"/api/v1/classes/{created['id']}/"
    assert admin.patch(url, {"name": "Renamed by an app"}, format="json").status_code == 200
    assert admin.delete(url).status_code == 204

    logged = CentreLogEntry.objects.get_for_model(SchoolClass).filter(object_id=str(created["id"]))
    assert [
        (entry.action, entry.label, entry.centre_id, entry.user_id)
        for entry in logged.order_by("timestamp", "pk")
    ] == [
        ("wagtail.create", "Made by an app (API-1)", riverside.pk, person(RIVERSIDE_ADMIN).pk),
        ("wagtail.edit", "Renamed by an app (API-1)", riverside.pk, person(RIVERSIDE_ADMIN).pk),
        ("wagtail.delete", "Renamed by an app (API-1)", riverside.pk, person(RIVERSIDE_ADMIN).pk),
    ]
