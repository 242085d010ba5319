"""The member site in headless Chromium, at desktop and phone width: a student hands in a
file, the teacher grades and returns it, the guardian sees the grade; every page passes axe."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.member import (
    live_homework,
    member_sign_in,
    remove_homework,
    serious_accessibility_problems,
)

pytestmark = pytest.mark.browser
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def homework(django_db_blocker, live_asgi):
    with django_db_blocker.unblock():
        made = live_homework(f"Fractions of a pizza {uuid.uuid4().hex[:6]}")
        yield made
        remove_homework(made)


def accessible(page, where: str) -> None:
    problems = serious_accessibility_problems(page)
    assert problems == [], f"axe on {where}: {problems}"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_hand_in_grade_return_and_follow(
    browser, live_asgi, homework, screenshot, tmp_path, viewport, django_db_blocker
):
    base = f"http://{live_asgi}"
    size = VIEWPORTS[viewport]
    essay = tmp_path / "my-pizza-fractions.txt"
    essay.write_text("1/2 + 1/4 = 3/4 of the pizza\n")

    student = browser.new_context(viewport=size).new_page()
    member_sign_in(student, base, "student1@riverside.example")
    accessible(student, "student dashboard")
    screenshot(student, f"member-{viewport}-1-student-dashboard")
    student.goto(f"{base}/homework/{homework.pk}/")
    assert student.locator("#submission-status").inner_text() == "Not started"
    accessible(student, "homework page")
    student.fill("#id_text", "See the attached file.")
    student.set_input_files("#id_files", str(essay))
    student.focus("#id_files")
    student.keyboard.press("Tab")  # the submit button is next in the keyboard order
    focused = student.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hand in"
    with student.expect_navigation():
        student.keyboard.press("Enter")
    assert student.locator("#submission-status").inner_text() == "Submitted"
    screenshot(student, f"member-{viewport}-2-student-handed-in")

    teacher = browser.new_context(viewport=size).new_page()
    member_sign_in(teacher, base, "teacher1@riverside.example")
    accessible(teacher, "teacher dashboard")
    screenshot(teacher, f"member-{viewport}-3-teacher-dashboard")
    teacher.goto(f"{base}/my/homework/{homework.pk}/submissions/")
    accessible(teacher, "submissions inbox")
    screenshot(teacher, f"member-{viewport}-4-teacher-inbox")
    with teacher.expect_navigation():
        teacher.get_by_role("link", name="Student 1", exact=True).click()
    assert teacher.get_by_role("link", name="my-pizza-fractions.txt").is_visible()
    accessible(teacher, "submission")
    teacher.fill("#id_points", "18")
    teacher.fill("#id_feedback", "Lovely clear working.")
    with teacher.expect_navigation():
        teacher.click("button[name=return]")
    assert "Returned to the student." in teacher.locator(".messages").inner_text()
    screenshot(teacher, f"member-{viewport}-5-teacher-returned")

    guardian = browser.new_context(viewport=size).new_page()
    member_sign_in(guardian, base, "parent1@riverside.example")
    accessible(guardian, "guardian dashboard")
    screenshot(guardian, f"member-{viewport}-6-guardian-dashboard")
    with guardian.expect_navigation():
        guardian.get_by_role("link", name="Student 1").first.click()
    returned = guardian.locator(".row", has_text=homework.title)
    assert "18/20" in returned.inner_text() and "Lovely clear working." in returned.inner_text()
    accessible(guardian, "child page")
    screenshot(guardian, f"member-{viewport}-7-guardian-child")

    guardian.goto(f"{base}/my/settings/")
    accessible(guardian, "settings")
    for page in (student, teacher, guardian):
        page.context.close()


def test_an_open_dashboard_shows_a_returned_grade_without_reloading(
    browser, live_asgi, homework, django_db_blocker
):
    from portal.accounts.models import User
    from portal.submissions import services

    base = f"http://{live_asgi}"
    with django_db_blocker.unblock():
        pupil = User.objects.get(email="student2@riverside.example")
        work = services.submission_submit(
            homework=homework, student=pupil, text="Three quarters.", files=[], by=pupil
        )

    student = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    member_sign_in(student, base, pupil.email)
    student.wait_for_selector("body[data-notices-live=yes]")
    unread_before = int(student.locator("#unread-count").inner_text())
    student.evaluate("window.stillTheSamePage = true")

    teacher = browser.new_context(viewport=VIEWPORTS["desktop"]).new_page()
    member_sign_in(teacher, base, "teacher1@riverside.example")
    teacher.goto(f"{base}/my/submissions/{work.pk}/")
    teacher.fill("#id_points", "15")
    with teacher.expect_navigation():
        teacher.click("button[name=return]")

    student.wait_for_selector(f"#live-notices li:has-text('Returned: {homework.title}')")
    assert int(student.locator("#unread-count").inner_text()) == unread_before + 1
    assert student.evaluate("window.stillTheSamePage") is True
    teacher.context.close()
    student.context.close()
