"""The whiteboard page in headless Chromium: a teacher and a student on the same board, each in
their own browser; a stroke drawn by one appears for the other, and is still there on reload."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.whiteboard.models import BoardOp
from tests.browser.member import member_sign_in

pytestmark = pytest.mark.browser

INKED_PIXELS = """() => {
  const canvas = document.querySelector("#whiteboard canvas");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked += 1;
  return inked;
}"""


def open_board(browser, base: str, email: str, board):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    member_sign_in(page, base, email)
    page.goto(f"{base}/whiteboards/{board.pk}/")
    page.wait_for_selector("#whiteboard[data-connected=true]")
    return page


def test_a_stroke_drawn_in_one_browser_appears_in_the_other(
    browser, live_asgi, board, screenshot, django_db_blocker
):
    base = f"http://{live_asgi}"
    teacher = open_board(browser, base, "teacher1@riverside.example", board)
    student = open_board(browser, base, "student1@riverside.example", board)
    assert student.evaluate(INKED_PIXELS) == 0

    box = teacher.locator("#whiteboard canvas").bounding_box()
    teacher.mouse.move(box["x"] + 100, box["y"] + 100)
    teacher.mouse.down()
    for step in range(1, 20):
        teacher.mouse.move(box["x"] + 100 + step * 15, box["y"] + 100 + step * 8)
    teacher.mouse.up()

    student.wait_for_selector("#whiteboard[data-seq='1']")
    assert student.evaluate(INKED_PIXELS) > 100
    with django_db_blocker.unblock():
        teacher_name = str(User.objects.get(email="teacher1@riverside.example"))
    assert teacher_name in student.locator(".whiteboard-members").inner_text()
    screenshot(student, "whiteboard")

    student.reload()
    student.wait_for_selector("#whiteboard[data-seq='1']")
    assert student.evaluate(INKED_PIXELS) > 100
    with django_db_blocker.unblock():
        op = BoardOp.objects.get(board=board)
    assert (op.kind, op.payload["tool"], len(op.payload["points"])) == ("stroke", "pen", 20)
