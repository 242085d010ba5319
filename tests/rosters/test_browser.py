"""Upload → preview → confirm in headless Chromium against a real daphne process.

With ROSTER_SCREENSHOT=path set, the preview is saved there (docs/screenshots/roster-preview.png).
"""

from __future__ import annotations

import os

import pytest

from portal.accounts.models import User
from portal.core.demo import DEMO_PASSWORD
from portal.rosters.models import RosterImport
from tests.rosters.conftest import csv_bytes, student_row

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"
DOMAIN = "@families.example"
SAVE = "form[enctype='multipart/form-data'] button[type=submit]"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def preview_roster() -> bytes:
    rows = [student_row(n) for n in range(1, 6)]
    rows[0]["year_group"] = "Year 8"
    rows[1]["classes"] = "7M1 7E1 7S1"
    rows[2]["guardian1_email"] = "carer at home"
    rows[3]["student_id"] = "1.2E+5"
    rows[4]["last_name"] = '=HYPERLINK("http://example.com")'
    return csv_bytes(rows)


@pytest.fixture
def page(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium at /usr/bin/chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here stay sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 1500})
        browser.close()


def upload(page, base: str, path) -> None:
    page.goto(f"{base}/admin/roster_imports/new/")
    page.check("input[name=kind][value=students]")
    page.set_input_files("input[name=source_file]", str(path))
    page.click(SAVE)


def test_upload_preview_confirm_in_the_browser(live_asgi, page, tmp_path, committed):
    base = f"http://{live_asgi}"
    good = tmp_path / "roster.csv"
    good.write_bytes(csv_bytes([student_row(n) for n in range(1, 4)]))
    mixed = tmp_path / "roster-with-problems.csv"
    mixed.write_bytes(preview_roster())
    try:
        page.goto(f"{base}/admin/login/")
        page.fill("input[name=login]", "admin@riverside.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/admin/")

        upload(page, base, good)
        page.wait_for_selector("text=Import now")
        page.click("text=Import now")
        page.wait_for_selector("text=Imported on")
        assert User.objects.filter(email__startswith="pupil", email__endswith=DOMAIN).count() == 3

        upload(page, base, mixed)  # changes two of those students and has three problems
        page.wait_for_selector("[data-roster-errors]")
        assert page.locator("[data-roster-errors] tbody tr").count() == 3
        assert page.locator("[data-roster-changes]").get_by_text("7E1 7M1 7S1").count() == 1
        assert page.locator("text=Import now").count() == 0
        if target := os.environ.get("ROSTER_SCREENSHOT"):
            page.screenshot(path=target, full_page=True)
    finally:
        committed(cleanup)


def cleanup() -> None:
    User.objects.filter(email__endswith=DOMAIN).delete()
    for roster_import in RosterImport.objects.filter(original_name__startswith="roster"):
        roster_import.source_file.delete(save=False)
        roster_import.delete()
