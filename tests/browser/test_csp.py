"""The Content-Security-Policy in headless Chromium: the admin's homework editor, an admin
listing, the member dashboard and a whiteboard run their scripts, and nothing is refused.

A violation shows twice, and both are watched: as a `securitypolicyviolation` event in the
document (in every frame, the preview panel too) and as an error on the console. A script that
fails (an uncaught error) counts too.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from portal.accounts.models import User

pytestmark = pytest.mark.browser

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${where}`);
});
"""


class Watched:
    """A signed-in page whose CSP violations, in any frame, are collected."""

    def __init__(self, browser, base: str, email: str, django_db_blocker):
        with django_db_blocker.unblock():
            client = Client()
            client.force_login(User.objects.get(email=email))
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": base,
                }
            ]
        )
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.console: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            self.console.append(message.text)

    def violations(self) -> list[str]:
        found = list(self.console)
        for frame in self.page.frames:
            found += frame.evaluate("() => window.cspViolations || []")
        return found

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, live_asgi, django_db_blocker):
    opened: list[Watched] = []

    def open_as(email: str) -> Watched:
        opened.append(Watched(browser, f"http://{live_asgi}", email, django_db_blocker))
        return opened[-1]

    yield open_as
    for each in opened:
        each.close()


def test_the_homework_editor_and_a_listing_run_under_the_policy(live_asgi, watched):
    base = f"http://{live_asgi}"
    teacher = watched("teacher1@riverside.example")
    page = teacher.page

    page.goto(f"{base}/admin/snippets/homework/homework/")
    page.wait_for_selector("body.ready")  # Wagtail's scripts started (w-init)
    assert teacher.violations() == []

    page.goto(f"{base}/admin/snippets/homework/homework/add/")
    page.wait_for_selector("body.ready")
    # The date and date-time pickers initialised (their inline scripts carry the nonce): set on,
    # due, and go-live and expiry in the scheduling dialog, whose template Wagtail moves into
    # the page (re-creating its scripts) when the page starts.
    assert page.locator(".xdsoft_datetimepicker").count() == 4
    page.click("#id_due_at")
    page.wait_for_selector(".xdsoft_datetimepicker:visible")
    page.keyboard.press("Escape")
    # Draftail renders and takes typing.
    page.select_option("#id_school_class", label="Year 7 Maths (7M1) — Riverside Academy")
    page.fill("#id_title", "Fractions under a strict policy")
    page.click(".DraftEditor-root")
    page.keyboard.type("Halve, then halve again.")
    assert "Halve, then halve again." in page.locator(".DraftEditor-root").inner_text()
    page.fill("#id_due_at", "2026-12-18 09:00")
    page.keyboard.press("Escape")

    # The preview panel frames the page the students will see (frame-ancestors 'self'), as
    # long as the form is valid.
    page.click("[data-side-panel-toggle='preview']")
    preview = page.frame_locator("iframe.w-preview__iframe").last
    preview.locator("h1", has_text="Fractions under a strict policy").wait_for()

    # A new attachment: Wagtail inserts the panel's template, whose document chooser script
    # carries the page's nonce; the chooser it starts opens its modal.
    page.click("#id_attachments-ADD")
    page.click("#inline_child_attachments-0 [data-chooser-action-choose]:visible")
    page.wait_for_selector(".modal.in form")  # its content, fetched and inserted
    page.click(".modal.in [data-dismiss=modal]")
    page.wait_for_selector(".modal.in", state="hidden")
    assert teacher.violations() == []


def test_the_member_dashboard_and_a_whiteboard_run_under_the_policy(live_asgi, watched, board):
    base = f"http://{live_asgi}"
    student = watched("student1@riverside.example")
    page = student.page

    page.goto(f"{base}/my/")
    page.wait_for_selector("body[data-notices-live=yes]")  # notices.js opened its websocket
    page.goto(f"{base}/whiteboards/{board.pk}/")
    page.wait_for_selector("#whiteboard[data-connected=true]")  # whiteboard.js joined
    assert student.violations() == []

    # The watch itself works: an inline script without the nonce is refused, and seen.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ranWithoutNonce = true";
          document.body.append(script);
        }"""
    )
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("() => window.ranWithoutNonce") is None
    assert any(v.startswith("script-src-elem inline") for v in student.violations())


def test_the_api_documentation_pages_run_under_the_policy(live_asgi, watched):
    """Swagger UI and ReDoc come from our own static files (drf-spectacular-sidecar)."""
    base = f"http://{live_asgi}"
    reader = watched("admin@riverside.example")
    page = reader.page
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "School Portal API" in page.inner_text(".swagger-ui .info .title")
    page.goto(f"{base}/api/redoc/")
    page.wait_for_selector("redoc h1, .api-info h1", timeout=20_000)
    assert reader.violations() == [], "\n".join(reader.violations())
