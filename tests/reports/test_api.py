"""`/api/v1/report-exports/`: request, follow, download, and the answers around them."""

from __future__ import annotations

import pytest

from portal.reports import services
from portal.reports.models import ReportExport
from tests.reports.conftest import HILLCREST_ADMIN, RIVERSIDE_ADMIN, read_rows

pytestmark = pytest.mark.django_db
BASE = "/api/v1/report-exports/"


def test_request_follow_and_download(
    api_for, riverside, gradebook, django_capture_on_commit_callbacks
):
    client = api_for(RIVERSIDE_ADMIN)
    body = {"centre": riverside.pk, "kind": "submissions_log", "format": "csv"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = client.post(BASE, {**body, "school_class": gradebook.school_class.pk})
    assert created.status_code == 201, created.json()
    assert len(callbacks) == 1
    data = created.json()
    assert data["status"] == "queued" and data["download"] is None
    assert client.get(f"{BASE}{data['id']}/download/").status_code == 409

    services.report_export_build(export_id=data["id"])
    ready = client.get(f"{BASE}{data['id']}/").json()
    assert ready["status"] == "done" and ready["progress"] == 100 and ready["row_count"] == 5
    assert ready["download"] == f"{BASE}{data['id']}/download/"
    download = client.get(ready["download"])
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    rows = read_rows(b"".join(download.streaming_content), "csv")
    assert len(rows) == 6 and rows[0][:3] == ["class", "homework", "due"]


def test_list_is_newest_first_and_scoped(api_for, riverside, hillcrest, request_export):
    newest = request_export("completion")
    listed = api_for(RIVERSIDE_ADMIN).get(BASE).json()
    ids = [item["id"] for item in listed["results"]]
    assert ids[0] == newest.pk
    assert set(ids) == set(
        ReportExport.objects.filter(centre=riverside).values_list("pk", flat=True)
    )
    assert "next" in listed and "count" not in listed  # cursor pagination
    assert api_for("teacher1@riverside.example").get(BASE).json()["results"] == []


def test_a_class_of_another_centre_is_not_accepted(api_for, riverside, hillcrest):
    response = api_for(RIVERSIDE_ADMIN).post(
        BASE,
        {"centre": riverside.pk, "kind": "grades", "school_class": hillcrest.classes.first().pk},
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"school_class"}


def test_another_centres_report_is_not_found(api_for, hillcrest):
    foreign = ReportExport.objects.filter(centre=hillcrest).first()
    client = api_for(RIVERSIDE_ADMIN)
    assert client.get(f"{BASE}{foreign.pk}/").status_code == 404
    assert client.get(f"{BASE}{foreign.pk}/download/").status_code == 404
    assert api_for(HILLCREST_ADMIN).get(f"{BASE}{foreign.pk}/download/").status_code == 200


def test_an_expired_report_is_gone(api_for, gradebook, request_export):
    export = services.report_export_build(
        export_id=request_export("grades", school_class=gradebook.school_class).pk
    )
    ReportExport.objects.filter(pk=export.pk).update(expires_at=export.finished_at)
    response = api_for(RIVERSIDE_ADMIN).get(f"{BASE}{export.pk}/download/")
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "expired"
    export.refresh_from_db()
    assert export.status == "expired" and not export.file
