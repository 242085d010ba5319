"""Boards drawn as SVG and PNG: what the board shows at a seq, nothing erased, undone or cleared;
the member-site download, and attaching an export to homework."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken
from wagtail.documents.models import Document

from portal.homework.models import Homework
from portal.publishing.services import content_publish
from portal.whiteboard.export import board_png, board_svg
from portal.whiteboard.models import BoardOp
from portal.whiteboard.protocol import BOARD_HEIGHT, BOARD_WIDTH
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
    return paths_of(board_svg(state))


def paths_of(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}path"))


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


def test_nan_and_infinities_are_left_out_or_clamped():
    state = state_of(
        stroke(color="#ff0000", points=[[float("nan"), 5, 0.5], [10, 10, float("inf")]]),
        stroke(color="#00ff00", width=float("-inf"), points=LINE),
        stroke(color="#0000ff", points=[[float("-inf"), 10, 0.5]]),
    )
    assert [(p.get("d"), p.get("stroke-width")) for p in paths(state)] == [
        ("M10,10 L10,10", "4.5"),  # pressure 1 at most: 3 * (0.5 + 1)
        ("M0,10 L0,10", "3"),
    ]
    assert board_png(state).startswith(b"\x89PNG")


#: Strokes the protocol refuses now, as the log may still hold them from before it checked
#: ranges: what an export should make of each (None: left out).
STORED_BEFORE_THE_RANGES = [
    (
        {"color": "#FF0000", "width": 8, "points": [[100, 100, -5], [300, 100, -5]]},
        ("M100,100 L300,100", "#ff0000", "4"),  # pressure 0: 8 * 0.5
    ),
    (
        {"color": "#00ff00", "width": 4, "points": [[10**400, -(10**400), 0.5], [1e308, 500, 2]]},
        ("M1600,0 L1600,500", "#00ff00", "5"),  # mean pressure 0.75: 4 * 1.25
    ),
    (
        {
            "color": "#0000ff",
            "points": [
                ["NaN", 5, 0.5],
                [None, 5, 0.5],
                [5, "Infinity", 0.5],
                [1, 2],
                "x",
                [True, 1, 0.5],
                [50, 60, 0.5],
            ],
        },
        ("M50,60 L50,60", "#0000ff", "3"),
    ),
    ({"tool": "highlighter", "width": 10**400}, ("M10,10 L20,25", "#1a2b3c", "64")),
    ({"points": [["NaN", 1, 1]]}, None),
    ({"color": '#000000" onload="alert(1)'}, None),
    ({"color": '"/><script>alert(1)</script><path d="'}, None),
    ({"color": "#1a2b3c\n"}, None),
    ({"color": 42}, None),
    ({"width": "wide"}, None),
    ({"width": -3}, None),
    ({"tool": "marker"}, None),
    ({"points": "M0,0 L9,9"}, None),
]


@pytest.mark.django_db
class TestStrokesStoredBeforeTheRanges:
    """Ops written straight to the log, as it may hold them: every export still works, and the
    SVG holds nothing but our own markup."""

    @pytest.fixture
    def board(self):
        board = whiteboard_for_class(school_class=first_class("riverside"))
        payloads = [stroke(**fields) for fields, _drawn in STORED_BEFORE_THE_RANGES]
        bare = {"id": "bare"}  # and one with none of a stroke's fields, also left out
        for seq, payload in enumerate([*payloads, bare], start=1):
            payload.pop("type", None)
            BoardOp.objects.create(board=board, seq=seq, kind="stroke", payload=payload)
        return board

    def test_the_svg_draws_what_it_can_and_nothing_injected(self, board, client_for):
        response = client_for("student1@riverside.example").get(
            f"/whiteboards/{board.pk}/export.svg"
        )
        assert response.status_code == 200
        svg = response.content.decode()
        drawn = [(p.get("d"), p.get("stroke"), p.get("stroke-width")) for p in paths_of(svg)]
        assert drawn == [expected for _fields, expected in STORED_BEFORE_THE_RANGES if expected]
        assert {element.tag for element in ET.fromstring(svg).iter()} == {
            f"{SVG}{tag}" for tag in ("svg", "rect", "g", "path")
        }
        assert {frozenset(path.attrib) for path in paths_of(svg)} == {
            frozenset({"d", "stroke", "stroke-width", "stroke-opacity"})
        }
        assert "script" not in svg and "onload" not in svg

    def test_the_png_draws_too(self, board, client_for):
        response = client_for("student1@riverside.example").get(
            f"/whiteboards/{board.pk}/export.png"
        )
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.content))
        assert image.size == (BOARD_WIDTH, BOARD_HEIGHT)
        assert image.getpixel((200, 100)) == RED  # the stroke pressed at -5

    def test_the_api_exports_and_attaches_the_board(self, board):
        token = AccessToken.for_user(demo("teacher1"))
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        for file_format in ("svg", "png"):
            response = api.get(
                f"/api/v1/whiteboards/{board.pk}/export/", {"file_format": file_format}
            )
            assert response.status_code == 200, file_format
        homework = Homework.objects.get(school_class=board.school_class, title="Fractions practice")
        response = api.post(
            f"/api/v1/whiteboards/{board.pk}/attach/", {"homework": homework.pk}, format="json"
        )
        assert response.status_code == 201


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
