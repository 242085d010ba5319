"""Boards drawn as SVG and PNG: what the board shows at a seq, nothing erased, undone or cleared;
the member-site download, and attaching an export to homework."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image
from wagtail.documents.models import Document

from portal.homework.models import Homework
from portal.publishing.services import content_publish
from portal.whiteboard.export import BOARD_HEIGHT, BOARD_WIDTH, board_png, board_svg
from portal.whiteboard.selectors import board_state
from portal.whiteboard.services import whiteboard_attach_export, whiteboard_for_class
from portal.whiteboard.state import empty_state, fold
from tests.whiteboard.conftest import demo, first_class, stroke
from tests.whiteboard.test_services import draw

SVG = "{http://www.w3.org/2000/svg}"
RED, BLUE = (255, 0, 0), (0, 0, 255)


def op(seq: int, **message) -> dict:
    return {"seq": seq, "author": 1, **message}


def state_of(*messages: dict) -> dict:
    return fold(empty_state(), [op(seq, **m) for seq, m in enumerate(messages, start=1)])


def paths(state: dict) -> list[ET.Element]:
    return list(ET.fromstring(board_svg(state)).iter(f"{SVG}path"))


def pixel(state: dict, x: int, y: int) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(board_png(state))).getpixel((x, y))


LINE = [[100, 100, 0.5], [300, 100, 0.5]]


def test_svg_draws_pen_and_highlighter_with_colour_width_and_opacity():
    state = state_of(
        stroke(id="p", color="#ff0000", width=4, points=[[10, 20, 0.5], [30, 40, 1.0]]),
        stroke(id="h", tool="highlighter", color="#0000ff", width=20, points=[[5, 5, 0.2]]),
    )
    pen, highlighter = paths(state)
    assert pen.get("d") == "M10,20 L30,40"
    assert (pen.get("stroke"), pen.get("stroke-width"), pen.get("stroke-opacity")) == (
        "#ff0000",
        "5",  # 4 * (0.5 + mean pressure 0.75)
        "1",
    )
    assert highlighter.get("d") == "M5,5 L5,5"  # one point: a dot under round caps
    assert (highlighter.get("stroke-width"), highlighter.get("stroke-opacity")) == ("20", "0.35")


def test_erased_undone_and_cleared_strokes_are_not_drawn():
    state = state_of(
        stroke(id="erased"),
        {"type": "erase", "target_ids": ["erased"]},
        stroke(id="undone"),
        {"type": "undo", "target": 3},
        stroke(id="cleared"),
        {"type": "clear"},
        stroke(id="kept", color="#00ff00"),
    )
    assert [path.get("stroke") for path in paths(state)] == ["#00ff00"]


def test_png_draws_the_same_strokes():
    empty = state_of()
    pen = state_of(stroke(color="#ff0000", points=LINE))
    highlighted = state_of(
        stroke(color="#ff0000", points=LINE),
        stroke(tool="highlighter", color="#0000ff", width=10, points=LINE),
    )
    image = Image.open(io.BytesIO(board_png(empty)))
    assert (image.format, image.size) == ("PNG", (BOARD_WIDTH, BOARD_HEIGHT))
    assert pixel(empty, 200, 100) == (255, 255, 255)
    assert pixel(pen, 200, 100) == RED
    assert pixel(pen, 200, 120) == (255, 255, 255)
    # A translucent blue over red: both still show through.
    red, green, blue = pixel(highlighted, 200, 100)
    assert red > 100 and blue > 50 and green < 10
    red, green, blue = pixel(highlighted, 200, 104)  # beyond the pen, within the highlighter
    assert blue == 255 and red == green and 150 < red < 200


@pytest.mark.django_db
class TestWithTheDatabase:
    @pytest.fixture
    def board(self):
        return whiteboard_for_class(school_class=first_class("riverside"))

    def test_an_export_at_a_seq_shows_the_board_as_it_was_then(self, board):
        draw(board, "teacher1", **stroke(color="#ff0000"))
        draw(board, "teacher1", type="clear")
        assert len(paths(board_state(board=board, at_seq=1))) == 1
        assert paths(board_state(board=board)) == []

    def test_the_download_is_for_the_class_only(self, board, client_for):
        draw(board, "teacher1", **stroke(color="#ff0000"))
        draw(board, "teacher1", type="clear")
        student = client_for("student1@riverside.example")
        now = student.get(f"/whiteboards/{board.pk}/export.svg")
        then = student.get(f"/whiteboards/{board.pk}/export.svg", {"seq": 1})
        assert now["Content-Type"] == "image/svg+xml"
        assert now.content.count(b"<path") == 0 and then.content.count(b"<path") == 1
        assert f'filename="whiteboard-{board.pk}-1.svg"' in then["Content-Disposition"]
        png = student.get(f"/whiteboards/{board.pk}/export.png")
        assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
        assert student.get(f"/whiteboards/{board.pk}/export.png", {"seq": "x"}).status_code == 400
        for outsider in ("parent1@riverside.example", "teacher1@hillcrest.example"):
            response = client_for(outsider).get(f"/whiteboards/{board.pk}/export.png")
            assert response.status_code == 404, outsider


@pytest.mark.django_db
class TestAttachToHomework:
    @pytest.fixture
    def board(self):
        board = whiteboard_for_class(school_class=first_class("riverside"))
        draw(board, "teacher1", **stroke(color="#ff0000"))
        return board

    @pytest.fixture
    def homework(self):
        return Homework.objects.get(
            school_class=first_class("riverside"), title="Fractions practice"
        )

    def test_a_teacher_attaches_the_board_as_a_png_in_the_centres_collection(self, board, homework):
        document = whiteboard_attach_export(board=board, homework=homework, by=demo("teacher1"))
        assert document.collection == homework.school_class.centre.collection
        assert document.file_extension == "png" and document.file_size > 0
        with document.file.open() as stored:
            assert stored.read().startswith(b"\x89PNG")
        homework = Homework.objects.get(pk=homework.pk)
        draft = homework.get_latest_revision_as_object()
        assert [a.document for a in draft.attachments.all()] == [document]
        assert not homework.attachments.exists(), "the live homework changes when published"
        content_publish(item=homework, by=demo("admin"))
        assert [a.document for a in homework.attachments.all()] == [document]

    @pytest.mark.parametrize("who", ["student1", "teacher2"])
    def test_others_may_not_attach(self, board, homework, who):
        documents = Document.objects.count()
        with pytest.raises(PermissionDenied):
            whiteboard_attach_export(board=board, homework=homework, by=demo(who))
        fresh = Homework.objects.get(pk=homework.pk)
        assert not fresh.get_latest_revision_as_object().attachments.exists()
        assert Document.objects.count() == documents

    def test_a_board_of_another_centre_is_refused(self, homework):
        foreign = whiteboard_for_class(school_class=first_class("hillcrest"))
        with pytest.raises(ValidationError, match="different centres"):
            whiteboard_attach_export(board=foreign, homework=homework, by=demo("admin"))
