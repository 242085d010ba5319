"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against a real daphne."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from portal.whiteboard.models import Whiteboard
from portal.whiteboard.services import whiteboard_for_class
from tests.whiteboard.conftest import first_class

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser(django_db_setup, live_asgi):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the
    # tests' own (synchronous, safe) ORM calls, so allow them, as pytest-playwright advises.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield launched
            launched.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def board(django_db_blocker, live_asgi):
    """7M1's whiteboard (teacher1 teaches it, student1 is in it); boards made here go after."""
    with django_db_blocker.unblock():
        before = set(Whiteboard.objects.values_list("pk", flat=True))
        yield whiteboard_for_class(school_class=first_class("riverside"))
        Whiteboard.objects.exclude(pk__in=before).delete()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, base_url: str, email: str, password: str = "portal-demo") -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
