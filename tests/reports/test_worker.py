"""Across processes: a real Celery worker builds a report and e-mails the requester a download
link that works (at a real SMTP server); a 100,000-row report built in a process of its own
keeps its memory bounded and its formula-looking cells escaped.

These tests commit (the worker and the measuring process are other processes), so they use
`live_reports`, not `db`; it removes the reports they made.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import Client

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.reports import services
from portal.reports.models import ReportExport
from portal.reports.tables import COMPLETION_HEADERS, GRADE_HEADERS
from portal.reports.tasks import build_export
from tests.processes import ROOT, process_env
from tests.reports.bulk import FORMULA_FEEDBACK, remove_gradebook, seed_gradebook
from tests.reports.conftest import RIVERSIDE_ADMIN

BIG_CLASS = "BIG100K"
STUDENTS, HOMEWORK = 500, 200  # 100,000 grade rows


@pytest.fixture
def live_reports(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        before = set(ReportExport.objects.values_list("pk", flat=True))
        yield
        for export in ReportExport.objects.exclude(pk__in=before):
            services.report_export_delete(export=export, by=None)


def text_part(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no plain-text part")


def test_the_worker_builds_it_and_emails_a_working_link(live_reports, live_worker_queue, mail_sink):
    admin = User.objects.get(email=RIVERSIDE_ADMIN)
    riverside = Centre.objects.get(slug="riverside")
    export = services.report_export_request(
        centre=riverside, kind="completion", format="csv", by=admin
    )  # committed at once, so the worker is asked at once
    link_path = f"/admin/report_exports/download/{export.pk}/"

    def mine() -> list:
        return [
            r
            for r in mail_sink.received("Your report is ready")
            if link_path in text_part(r.message)
        ]

    deadline = time.monotonic() + 90
    while not mine() and time.monotonic() < deadline:
        time.sleep(0.2)
    (delivered,) = mine()
    assert delivered.recipients == (RIVERSIDE_ADMIN,)
    body = text_part(delivered.message)
    link = re.search(r"https?://\S+/download/\d+/", body).group(0)
    assert link == settings.PORTAL_BASE_URL.rstrip("/") + link_path

    client = Client()
    client.force_login(admin)
    response = client.get(link_path)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == COMPLETION_HEADERS and len(rows) > 1
    export.refresh_from_db()
    assert export.status == "done" and export.notified_at is not None

    # A redelivered task finds the report done: nothing is built or sent again.
    assert build_export.apply_async(args=[export.pk], queue=live_worker_queue).get(timeout=60) == (
        "done"
    )
    time.sleep(1)
    assert len(mine()) == 1
    assert ReportExport.objects.get(pk=export.pk).file.name == export.file.name


@pytest.fixture
def big_class(django_db_setup, django_db_blocker):
    """500 students x 200 homework at Riverside, committed; removed afterwards."""
    with django_db_blocker.unblock():
        riverside = Centre.objects.get(slug="riverside")
        remove_gradebook(centre=riverside, code=BIG_CLASS)  # left by an interrupted run
        try:
            yield seed_gradebook(
                centre=riverside, code=BIG_CLASS, students=STUDENTS, homework=HOMEWORK
            )
        finally:
            remove_gradebook(centre=riverside, code=BIG_CLASS)


def test_a_100k_row_export_keeps_memory_bounded_and_escapes_formulas(big_class, live_reports):
    export = ReportExport.objects.create(
        centre=big_class.centre,
        kind="grades",
        school_class=big_class,
        requested_by=User.objects.get(email=RIVERSIDE_ADMIN),
    )
    measured = subprocess.run(
        [sys.executable, "-m", "tests.reports.measure_export", str(export.pk)],
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    assert result["status"] == "done" and result["rows"] == STUDENTS * HOMEWORK
    assert result["traced_peak_mib"] < 20, result  # about 3 MiB when measured
    assert result["rss_growth_mib"] < 50, result  # about 9 MiB when measured

    export.refresh_from_db()
    feedback = GRADE_HEADERS.index("feedback")
    rows = escaped = 0
    with export.file.open("rb") as stream:
        reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
        assert next(reader) == GRADE_HEADERS
        for row in reader:
            rows += 1
            assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
            escaped += row[feedback] == "'" + FORMULA_FEEDBACK
    assert rows == STUDENTS * HOMEWORK
    assert escaped == 1
