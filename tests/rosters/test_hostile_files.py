"""Files made to hurt: zip bombs, zips whose directory lies, rows without end, NUL characters,
uploads over the size limit. Each is refused with a problem a person can act on and writes
nothing; the web process reads no more of a zip than its directory."""

from __future__ import annotations

import io
import secrets
import struct
import zipfile

import pytest
from celery.result import AsyncResult
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from portal.accounts.models import User
from portal.audit.models import CentreLogEntry
from portal.classes.models import SchoolClass
from portal.rosters import models
from portal.rosters.models import RosterImport
from portal.rosters.parsing import SNIFF_BYTES, RosterFileError, open_zip, unpacked
from tests.rosters.conftest import (
    RIVERSIDE_ADMIN,
    admin_upload,
    api_upload,
    csv_bytes,
    fingerprint,
    student_row,
)
from tests.rosters.oneroster_bundle import bundle, bundle_files, bundle_members, zip_of

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
ONEROSTER = RosterImport.Kind.ONEROSTER
Status = RosterImport.Status


def with_member(name: str, content: bytes, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The test bundle with the file `name` replaced (or added) by `content`."""
    return zip_of({**bundle_members(bundle_files()), name: content}, compression=compression)


def declaring(archive: bytes, name: str, size: int) -> bytes:
    """`archive` with its directory saying that `name` unpacks to `size` bytes, a lie."""
    data = bytearray(archive)
    entry = data.find(b"PK\x01\x02")  # a directory entry; its file name starts 46 bytes in
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = data.find(b"PK\x01\x02", entry + 1)
    struct.pack_into("<L", data, entry + 24, size)  # the entry's unpacked size
    return bytes(data)


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The files anything in this process opens inside a zip to read them (where unpacking
    starts)."""
    names: list[str] = []
    original = zipfile.ZipFile.open

    def recording(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            names.append(getattr(name, "filename", name))
        return original(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording)
    return names


@pytest.fixture(params=["admin", "api"])
def send(request, client_for, api):
    """send(content) → the import Riverside's admin made of a OneRoster zip, uploaded through
    the admin's form or the API."""
    options = {"name": "bundle.zip", "kind": ONEROSTER, "oneroster_school": "sch-1"}
    if request.param == "admin":
        client = client_for(RIVERSIDE_ADMIN)

        def run(content: bytes) -> RosterImport:
            response = admin_upload(client, content, **options)
            assert response.status_code == 302, response.content[:2000]
            return RosterImport.objects.latest("pk")

        return run

    def run(content: bytes) -> RosterImport:
        response = api_upload(api, content, **options)
        assert response.status_code == 201, response.content
        return RosterImport.objects.get(pk=response.json()["id"])

    return run


BOMBS = {
    "file-over-the-size-limit": (
        lambda: with_member("manifest.csv", bytes(2 * MB), compression=zipfile.ZIP_STORED),
        {"ROSTER_ZIP_MAX_MEMBER_BYTES": MB},
        "a file in a roster zip may unpack to at most",
    ),
    "zip-over-the-size-limit": (
        lambda: with_member("demographics.csv", bytes(MB), compression=zipfile.ZIP_STORED),
        {"ROSTER_ZIP_MAX_BYTES": MB},
        "a roster zip may unpack to at most",
    ),
    # A real bomb at the default limits: 20 MB of zeros packed into about 20 kB.
    "packed-a-thousand-fold": (
        lambda: with_member("manifest.csv", bytes(20 * MB)),
        {},
        "times its packed size",
    ),
    "too-many-files": (
        lambda: zip_of(
            {**bundle_members(bundle_files()), **{f"extra/{n}.txt": b"" for n in range(1000)}}
        ),
        {},
        "more than 1,000 files",
    ),
}


@pytest.mark.parametrize("case", BOMBS, ids=list(BOMBS))
def test_zip_bombs_are_refused_from_the_directory_alone(case, send, opened):
    build, limits, reason = BOMBS[case]
    content = build()
    before = fingerprint()
    with override_settings(**limits):
        refused = send(content)
    assert refused.status == Status.INVALID
    assert any(reason in e["reason"] for e in refused.row_errors), refused.row_errors
    assert opened == []
    assert fingerprint() == before


def test_the_web_process_hands_a_bundle_to_a_worker_unopened(
    send, opened, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as handed_over:
        roster_import = send(bundle())
    assert roster_import.status == Status.CHECKING and roster_import.task_id
    assert len(handed_over) == 1
    assert opened == []


def test_unpacking_stops_past_the_size_the_directory_declared(monkeypatch):
    """zipfile stops at the declared size itself; the import's own count holds even for a
    member that does not."""
    archive = open_zip(io.BytesIO(bundle()))
    info = archive.getinfo("users.csv")
    given = []

    class Endless(io.BytesIO):
        def read(self, size=-1):
            given.append(len(chunk := super().read(size)))
            return chunk

    endless = Endless(bytes(info.file_size + 10 * SNIFF_BYTES))
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, member: endless)
    refused = pytest.raises(RosterFileError, match="does not unpack to what its directory says")
    with refused, unpacked(archive, info):
        pass
    assert sum(given) <= info.file_size + SNIFF_BYTES


def forget(pks: list[int]) -> None:
    """What a test sent to a real worker committed: the bundle's people and class, the imports,
    their files and their audit lines."""
    User.objects.filter(email__endswith="@or.example").delete()
    SchoolClass.objects.filter(centre__slug="riverside", external_id="cls-1").delete()
    CentreLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RosterImport),
        object_id__in=[str(pk) for pk in pks],
    ).delete()
    for roster_import in RosterImport.objects.filter(pk__in=pks):
        roster_import.source_file.delete(save=False)
        roster_import.delete()


def worker_result(task_id: str) -> str:
    return AsyncResult(task_id).get(timeout=120)


def test_a_worker_checks_then_imports_a_bundle_uploaded_in_the_admin(
    live_worker_queue, committed, client, centre_admin, opened
):
    committed(lambda: client.force_login(centre_admin))
    pks: list[int] = []

    def upload() -> RosterImport:
        response = admin_upload(
            client, bundle(), name="bundle.zip", kind=ONEROSTER, oneroster_school="sch-1"
        )
        assert response.status_code == 302, response.content[:2000]
        roster_import = RosterImport.objects.latest("pk")
        pks.append(roster_import.pk)
        return roster_import

    try:
        roster_import = committed(upload)
        assert roster_import.status == Status.CHECKING and opened == []
        assert worker_result(roster_import.task_id) == Status.READY
        preview = client.get(reverse("roster_imports:inspect", args=[roster_import.pk]))
        assert "Import now" in preview.content.decode()
        url = reverse("roster_imports:confirm", args=[roster_import.pk])
        assert committed(lambda: client.post(url)).status_code == 302
        roster_import.refresh_from_db()
        assert roster_import.status == Status.IMPORTING
        assert worker_result(roster_import.task_id) == Status.DONE
        roster_import.refresh_from_db()
        assert roster_import.counts["students"] == {"new": 2}
        assert set(
            SchoolClass.objects.get(external_id="cls-1").enrollments.values_list(
                "student__email", flat=True
            )
        ) == {"stu-1@or.example", "stu-2@or.example"}
    finally:
        committed(lambda: forget(pks))


def test_a_worker_refuses_a_bundle_whose_directory_lies(live_worker_queue, committed, api, opened):
    # users.csv holds 20 MB of zeros; the directory says 2,000 bytes, within every limit.
    content = declaring(with_member("users.csv", bytes(20 * MB)), "users.csv", 2000)
    before = fingerprint()
    pks: list[int] = []

    def upload() -> dict:
        response = api_upload(
            api, content, name="bundle.zip", kind=ONEROSTER, oneroster_school="sch-1"
        )
        assert response.status_code == 201, response.content
        pks.append(response.json()["id"])
        return response.json()

    try:
        sent = committed(upload)
        assert sent["status"] == Status.CHECKING and opened == []
        task_id = RosterImport.objects.get(pk=sent["id"]).task_id
        assert worker_result(task_id) == Status.INVALID
        checked = api.get(f"/api/v1/roster-imports/{sent['id']}/").json()
        assert checked["status"] == Status.INVALID
        (problem,) = checked["row_errors"]
        assert problem["sheet"] == "users.csv"
        assert "does not unpack to what its directory says" in problem["reason"]
        assert fingerprint() == before
    finally:
        committed(lambda: forget(pks))


def test_uploads_over_the_size_limit_are_refused_by_the_admin_and_the_api_alike(
    monkeypatch, client_for, api
):
    monkeypatch.setattr(models, "MAX_UPLOAD_MB", 1)
    content = csv_bytes([student_row(1)]) + b"\r\n" * MB
    before = RosterImport.objects.count()
    form = admin_upload(client_for(RIVERSIDE_ADMIN), content)
    assert form.status_code == 200
    assert "Roster files are at most 1 MB" in form.content.decode()
    response = api_upload(api, content)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["file"] == ["Roster files are at most 1 MB; split larger ones."]
    assert RosterImport.objects.count() == before


NO_LINE_BREAKS = b"x" * (2 * MB)
LONG_ROWS = {
    "csv-without-line-breaks": b"student_id,first_name,last_name,email\r\nS1,A," + NO_LINE_BREAKS,
    "csv-cell-of-line-breaks": (
        b'student_id,first_name,last_name,email\r\nS1,"' + b"x\r\n" * 700_000 + b'",B,a@x.example'
    ),
}


@pytest.mark.parametrize("case", LONG_ROWS, ids=list(LONG_ROWS))
def test_a_row_longer_than_any_roster_row_is_a_problem_on_that_row(case, upload):
    before = fingerprint()
    checked = upload(LONG_ROWS[case])
    assert checked.status == Status.INVALID
    ((row, reason),) = [(e["row"], e["reason"]) for e in checked.row_errors]
    assert row == 2 and "longer than 100,000 characters" in reason
    assert fingerprint() == before


def test_a_bundle_file_without_line_breaks_is_a_problem_on_its_row(check_bundle):
    # Random text, so that the zip packs it no tighter than a real roster.
    users = b"sourcedId,role,givenName,familyName\r\n" + secrets.token_hex(MB).encode()
    checked = check_bundle(with_member("users.csv", users))
    assert checked.status == Status.INVALID
    problems = [(e["sheet"], e["row"]) for e in checked.row_errors]
    assert problems == [("users.csv", 2)], checked.row_errors


def test_a_nul_past_the_first_64_kib_of_a_csv_file_is_a_row_problem(upload):
    rows = [student_row(n) for n in range(1, 701)]
    rows[649]["last_name"] = "Num\x00ber"  # on spreadsheet row 651
    content = csv_bytes(rows)
    assert content.index(b"\x00") > SNIFF_BYTES
    before = fingerprint()
    checked = upload(content)
    assert checked.status == Status.INVALID
    (problem,) = checked.row_errors
    assert (problem["row"], problem["column"]) == (651, "last_name")
    assert "NUL character" in problem["reason"] and problem["value"] == "Num\N{SYMBOL FOR NULL}ber"
    assert fingerprint() == before


def test_a_nul_in_a_bundle_file_is_a_row_problem(check_bundle):
    files = bundle_files()
    files["users"][2]["givenName"] = "Al\x00an"  # stu-2, on row 4
    before = fingerprint()
    checked = check_bundle(zip_of(bundle_members(files)))
    assert checked.status == Status.INVALID
    (problem,) = checked.row_errors
    assert (problem["sheet"], problem["row"], problem["column"]) == ("users.csv", 4, "givenName")
    assert "NUL character" in problem["reason"]
    assert fingerprint() == before
