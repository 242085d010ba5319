"""The Wagtail admin flow (upload → preview → confirm), downloads, exports and isolation."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.rosters.models import RosterImport
from tests.rosters.conftest import (
    RIVERSIDE_ADMIN,
    admin_upload,
    csv_bytes,
    fingerprint,
    student_row,
)

pytestmark = pytest.mark.django_db
HILLCREST_ADMIN = "admin@hillcrest.example"


def test_upload_preview_confirm(client_for, riverside):
    client = client_for(RIVERSIDE_ADMIN)
    before = fingerprint()
    response = admin_upload(client, csv_bytes([student_row(1), student_row(2)]))
    assert response.status_code == 302, response.content[:2000]
    roster_import = RosterImport.objects.filter(centre=riverside).latest("created_at")
    assert response.url == reverse("roster_imports:inspect", args=[roster_import.pk])
    assert fingerprint() == before
    preview = client.get(response.url)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Import now" in page and "Pupil Number 1 (S0001)" in page
    confirmed = client.post(reverse("roster_imports:confirm", args=[roster_import.pk]))
    assert confirmed.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert "Imported on" in client.get(response.url).content.decode()
    status = client.get(reverse("roster_imports:status", args=[roster_import.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "Imported",
        "running": False,
        "progress": 100,
    }


def test_problems_are_shown_and_downloadable_as_csv(client_for, riverside):
    client = client_for(RIVERSIDE_ADMIN)
    admin_upload(client, csv_bytes([student_row(1, email="nope", last_name="=1+1")]))
    roster_import = RosterImport.objects.filter(centre=riverside).latest("created_at")
    assert (
        "Nothing was written"
        in client.get(reverse("roster_imports:inspect", args=[roster_import.pk])).content.decode()
    )
    download = client.get(reverse("roster_imports:errors", args=[roster_import.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["file", "row", "column", "value", "problem"]
    assert {(r[1], r[2]) for r in rows[1:]} == {("2", "email"), ("2", "last_name")}
    assert ["", "2", "last_name", "'=1+1"] in [row[:4] for row in rows[1:]]
    confirm = client.post(reverse("roster_imports:confirm", args=[roster_import.pk]))
    assert confirm.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.INVALID


def test_another_centres_import_is_not_found(client_for, hillcrest):
    foreign = RosterImport.objects.filter(centre=hillcrest).first()
    client = client_for(RIVERSIDE_ADMIN)
    for name in ("inspect", "confirm", "errors", "status", "delete"):
        url = reverse(f"roster_imports:{name}", args=[foreign.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code == 404, name


def test_upload_form_offers_only_managed_centres(client_for, hillcrest):
    client = client_for(RIVERSIDE_ADMIN)
    response = admin_upload(client, csv_bytes([student_row(1)]), centre=hillcrest.pk)
    assert not RosterImport.objects.filter(centre=hillcrest, original_name="roster.csv").exists()
    assert response.status_code in (200, 302)


def test_teachers_have_no_roster_screens(client_for):
    client = client_for("teacher1@riverside.example")
    assert client.get(reverse("roster_imports:index")).status_code in (302, 403)
    assert client.get(reverse("roster_imports:export", args=["students", "csv"])).status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_round_trips_through_the_import(file_format, client_for, riverside, upload):
    client = client_for(RIVERSIDE_ADMIN)
    response = client.get(reverse("roster_imports:export", args=["students", file_format]))
    assert response.status_code == 200
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    else:
        header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header[:4] == ["student_id", "first_name", "last_name", "email"]
    checked = upload(response.content, name=f"export.{file_format}")
    assert checked.status == RosterImport.Status.READY, checked.row_errors
    assert checked.counts["students"] == {"unchanged": 20}


def test_templates_and_downloads_page(client_for):
    client = client_for(RIVERSIDE_ADMIN)
    page = client.get(reverse("roster_imports:downloads"))
    assert page.status_code == 200 and "guardian1_email" in page.content.decode()
    template = client.get(reverse("roster_imports:template", args=["teachers", "csv"]))
    assert (
        template.content.decode().splitlines()[0]
        == "teacher_id,first_name,last_name,email,phone,classes"
    )
