"""A teacher submits homework for review and the centre admin approves it, in the real admin."""

from __future__ import annotations

import uuid

import pytest

from portal.homework.models import Homework
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_teacher_submits_and_admin_approves(
    browser, live_asgi, live_worker_queue, screenshot, django_db_blocker
):
    from tests.homework.conftest import remove_content

    base = f"http://{live_asgi}"
    title = f"Poetry reading {uuid.uuid4().hex[:6]}"

    teacher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(teacher, base, "teacher1@riverside.example")
    teacher.goto(f"{base}/admin/snippets/homework/homework/add/")
    teacher.select_option("#id_school_class", label="Year 7 Maths (7M1) — Riverside Academy")
    teacher.fill("#id_title", title)
    teacher.click(".DraftEditor-root")
    teacher.keyboard.type("Read the poem aloud twice and write three questions about it.")
    teacher.fill("#id_due_at", "2026-12-18 09:00")
    teacher.keyboard.press("Escape")
    assert teacher.locator('button[name="action-publish"]').count() == 0
    teacher.click("footer .w-dropdown__toggle.button")
    submit = teacher.locator('button[name="action-submit"]')
    submit.wait_for(state="visible")
    teacher.wait_for_timeout(400)
    screenshot(teacher, "homework-1-teacher-drafts")
    submit.click()
    teacher.wait_for_load_state()
    assert "error" not in teacher.locator(".messages").inner_text().lower()
    screenshot(teacher, "homework-2-submitted")

    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, base, "admin@riverside.example")
    admin.goto(f"{base}/admin/snippets/homework/homework/")
    admin.get_by_role("link", name=title).first.click()
    admin.wait_for_load_state()
    admin.click("footer .w-dropdown__toggle.button")
    approve = admin.locator(
        'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    )
    approve.wait_for(state="visible")
    admin.wait_for_timeout(400)  # let the menu finish opening before the screenshot
    screenshot(admin, "homework-3-admin-reviews")
    approve.click()
    admin.wait_for_load_state()
    screenshot(admin, "homework-4-approved")
    admin.context.close()
    teacher.context.close()

    with django_db_blocker.unblock():
        created = Homework.objects.filter(title=title)
        try:
            homework = created.get()
            assert homework.live
            assert homework.created_by.email == "teacher1@riverside.example"
        finally:
            remove_content(created)
