"""The Wagtail admin's Reports screens: request, progress, list, download, expiry, isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from portal.reports import services
from portal.reports.models import ReportExport
from tests.reports.conftest import RIVERSIDE_ADMIN, read_rows

pytestmark = pytest.mark.django_db
Status = ReportExport.Status


def url(name: str, *args) -> str:
    return reverse(f"report_exports:{name}", args=args)


def test_request_follow_and_download(
    client_for, riverside, gradebook, django_capture_on_commit_callbacks
):
    client = client_for(RIVERSIDE_ADMIN)
    form = client.get(url("add"))
    assert form.status_code == 200 and "Whole centre" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url("add"),
            {
                "centre": riverside.pk,
                "kind": "grades",
                "school_class": gradebook.school_class.pk,
                "format": "xlsx",
            },
        )
    assert response.status_code == 302, response.content[:3000]
    export = ReportExport.objects.get(school_class=gradebook.school_class)
    assert response.url == url("inspect", export.pk)
    assert len(callbacks) == 1  # the worker is asked only once the request is committed
    assert export.requested_by.email == RIVERSIDE_ADMIN and export.status == Status.QUEUED

    running = client.get(response.url).content.decode()
    assert "<progress" in running and url("status", export.pk) in running
    listing = client.get(url("index")).content.decode()
    assert f'data-progress-url="{url("status", export.pk)}"' in listing
    assert client.get(url("status", export.pk)).json() == {
        "status": "queued",
        "status_label": "Queued",
        "running": True,
        "progress": 0,
        "row_count": 0,
    }
    assert client.get(url("download", export.pk)).status_code == 302  # not ready yet

    services.report_export_build(export_id=export.pk)
    assert client.get(url("status", export.pk)).json()["status"] == "done"
    listing = client.get(url("index")).content.decode()
    assert url("download", export.pk) in listing and "Download" in listing
    download = client.get(url("download", export.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rows = read_rows(b"".join(download.streaming_content), "xlsx")
    assert rows[1][1] == "'=cmd" and len(rows) == 9


def test_a_class_must_be_the_centres(client_for, riverside, hillcrest):
    client = client_for(RIVERSIDE_ADMIN)
    foreign_class = hillcrest.classes.first()
    response = client.post(
        url("add"),
        {
            "centre": riverside.pk,
            "kind": "grades",
            "school_class": foreign_class.pk,
            "format": "csv",
        },
    )
    assert response.status_code == 200  # the form again, with the problem
    assert not ReportExport.objects.filter(school_class=foreign_class, centre=riverside).exists()
    assert foreign_class.code not in client.get(url("add")).content.decode()


def test_another_centres_report_is_not_found(client_for, hillcrest):
    foreign = ReportExport.objects.filter(centre=hillcrest).first()
    client = client_for(RIVERSIDE_ADMIN)
    for name in ("inspect", "status", "download", "delete"):
        assert client.get(url(name, foreign.pk)).status_code == 404, name
        assert client.post(url(name, foreign.pk)).status_code == 404, name
    assert ReportExport.objects.filter(pk=foreign.pk).exists()
    listing = client.get(url("index"))
    listed = {export.pk for export in listing.context["object_list"]}
    assert foreign.pk not in listed and listed


@pytest.mark.parametrize("email", ["teacher1@riverside.example", "student1@riverside.example"])
def test_teachers_and_students_are_refused(email, client_for, riverside):
    own = ReportExport.objects.filter(centre=riverside).first()
    client = client_for(email)
    assert client.get(url("index")).status_code in (302, 403)
    assert client.get(url("add")).status_code in (302, 403)
    assert client.get(url("download", own.pk)).status_code in (302, 404)
    assert b"Centre Admin" not in client.get(url("download", own.pk)).content


def test_an_expired_link_says_so_and_the_file_is_gone(client_for, gradebook, request_export):
    export = request_export("completion", school_class=gradebook.school_class)
    export = services.report_export_build(export_id=export.pk)
    name = export.file.name
    ReportExport.objects.filter(pk=export.pk).update(
        expires_at=export.finished_at - dt.timedelta(seconds=1)
    )
    response = client_for(RIVERSIDE_ADMIN).get(url("download", export.pk))
    assert response.status_code == 410
    assert "This report has expired" in response.content.decode()
    export.refresh_from_db()
    assert export.status == Status.EXPIRED
    assert not export.file.storage.exists(name)


def test_deleting_a_report_deletes_its_file(client_for, gradebook, request_export):
    export = services.report_export_build(
        export_id=request_export("grades", school_class=gradebook.school_class).pk
    )
    name = export.file.name
    response = client_for(RIVERSIDE_ADMIN).post(url("delete", export.pk))
    assert response.status_code == 302
    assert not ReportExport.objects.filter(pk=export.pk).exists()
    assert not export.file.storage.exists(name)
