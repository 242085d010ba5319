"""Hostile and broken clients get error frames or closed connections; everyone else on the
same server keeps drawing, and the server logs no unhandled exception."""

from __future__ import annotations

import json

import pytest

from portal.whiteboard import protocol
from portal.whiteboard.models import BoardOp
from portal.whiteboard.services import whiteboard_for_class
from tests.whiteboard.conftest import demo, first_class, stroke

pytestmark = pytest.mark.usefixtures("live_boards")


@pytest.fixture
def boards(live_boards):
    return (
        whiteboard_for_class(school_class=first_class("riverside")),
        whiteboard_for_class(school_class=first_class("hillcrest")),
    )


@pytest.fixture
def server_failures(process_logs):
    """Unhandled exceptions of the whiteboard code that daphne logged during this test.

    Only what the test added to the logs counts, and only tracebacks through our consumer:
    the logs are shared by the whole session, and a busy machine's Redis read timeout on
    another socket's teardown is not what these tests are about.
    """
    logs = list(process_logs.glob("daphne-*.log"))
    start = {log: log.stat().st_size for log in logs}

    def failures() -> list[str]:
        found = []
        for log in process_logs.glob("daphne-*.log"):
            with log.open("rb") as stream:
                stream.seek(start.get(log, 0))
                text = stream.read().decode(errors="replace")
            found += [
                chunk
                for chunk in text.split("Traceback (most recent call last):")[1:]
                if "portal/whiteboard/" in chunk
            ]
        return found

    return failures


BROKEN_FRAMES = [
    ("{not json", "bad_json"),
    ("[1, 2, 3]", "bad_message"),
    ('{"kind": "stroke"}', "bad_message"),
    ('{"type": "paint"}', "unknown_type"),
    ("[" * 5_000 + "]" * 5_000, "bad_json"),
    (json.dumps(stroke(points=[[1, 2, 3]] * 2_001)), "too_many_points"),
    (json.dumps(stroke(width="wide")), "invalid_stroke"),
    (json.dumps({"type": "undo", "seq": "last"}), "invalid_target"),
    (json.dumps({"type": "cursor", "x": "left"}), "bad_message"),
    (json.dumps({"type": "join", "last_seq": -1}), "bad_message"),
    ("x" * (protocol.MAX_FRAME_BYTES + 1), "frame_too_large"),
]
# Numbers beyond the protocol's ranges, as JSON allows them: NaN and Infinity (which Python's
# json reads), and integers too long for a float.
HUGE = 10**400
OUT_OF_RANGE_FRAMES = [
    *(
        (json.dumps(stroke(points=[[10, 10, 0.5], point])), "invalid_stroke")
        for point in (
            [10, 10, -0.5],
            [10, 10, 1.01],
            [10, 10, float("nan")],
            [-0.1, 10, 0.5],
            [protocol.BOARD_WIDTH + 0.1, 10, 0.5],
            [10, -1, 0.5],
            [10, protocol.BOARD_HEIGHT + 1, 0.5],
            [float("inf"), 10, 0.5],
            [HUGE, 10, 0.5],
            [10, -HUGE, 0.5],
            [10, 10, HUGE],
            [10, 10],
            [10, 10, 0.5, 1],
            [True, 10, 0.5],
        )
    ),
    *(
        (json.dumps(stroke(width=width)), "invalid_stroke")
        for width in (0, -3, protocol.MAX_WIDTH + 1, HUGE, float("nan"), True)
    ),
    *(
        (json.dumps(stroke(color=colour)), "invalid_stroke")
        for colour in (
            "#1a2b3c\n",
            '#000000" onload="alert(1)',
            '"/><script>alert(1)</script>',
            "red",
            "#12345",
        )
    ),
    (json.dumps(stroke(id="a1\n")), "invalid_stroke"),
    (json.dumps({"type": "erase", "target_ids": ["a1\n"]}), "invalid_erase"),
    (json.dumps({"type": "cursor", "x": protocol.BOARD_WIDTH + 1, "y": 10}), "bad_message"),
    (json.dumps({"type": "cursor", "x": 10, "y": -HUGE}), "bad_message"),
    (json.dumps({"type": "cursor", "x": float("nan"), "y": 10}), "bad_message"),
]


def test_broken_frames_get_error_frames_and_others_keep_drawing(
    live_asgi, boards, server_failures, open_board
):
    board = boards[0]
    bystander = open_board(live_asgi, board.pk, demo("teacher1"))
    bystander.join()
    broken = open_board(live_asgi, board.pk, demo("student1"))
    broken.send(**stroke())
    assert broken.wait_for("error")["code"] == "join_first"
    broken.join()
    for frame, code in BROKEN_FRAMES + OUT_OF_RANGE_FRAMES:
        broken.ws.send(frame)
        assert broken.wait_for("error")["code"] == code, frame[:80]
    broken.ws.send(b"\x00\x01binary")
    assert broken.wait_for("error")["code"] == "binary_frame"

    bystander.send(**stroke())
    bystander.wait_for_seq(1)
    # Nothing refused was stored, nor used up a seq: the bystander's stroke is the board's first.
    assert [(op.seq, op.author_id) for op in BoardOp.objects.filter(board=board)] == [
        (1, demo("teacher1").pk)
    ]
    assert broken.ops == [] and server_failures() == []


def test_a_flood_is_closed_and_the_board_carries_on(live_asgi, boards, server_failures, open_board):
    board = boards[0]
    bystander = open_board(live_asgi, board.pk, demo("teacher1"))
    bystander.join()
    flood = open_board(live_asgi, board.pk, demo("student1"))
    flood.join()
    for _ in range(2 * protocol.BURST + 4 * protocol.FLOOD_STRIKES):
        try:
            flood.ws.send("{}")
        except Exception:  # the server hung up mid-flood, as it should
            break
    assert flood.closed_with() == protocol.CLOSE_FLOOD
    assert any(error["code"] == "rate_limited" for error in flood.errors)

    bystander.send(**stroke())
    bystander.wait_for_seq(1)
    assert server_failures() == []


@pytest.mark.parametrize(
    ("who", "token", "which", "code"),
    [
        (None, None, 0, protocol.CLOSE_UNAUTHENTICATED),
        (None, "not-a-jwt", 0, protocol.CLOSE_UNAUTHENTICATED),
        (("parent1", "riverside"), None, 0, protocol.CLOSE_NOT_FOUND),
        (("teacher2", "riverside"), None, 0, protocol.CLOSE_NOT_FOUND),
        (("teacher1", "hillcrest"), None, 0, protocol.CLOSE_NOT_FOUND),
        (("admin", "riverside"), None, 1, protocol.CLOSE_NOT_FOUND),
        (("teacher1", "riverside"), None, None, protocol.CLOSE_NOT_FOUND),
    ],
)
def test_people_outside_the_class_are_turned_away(
    live_asgi, boards, who, token, which, code, open_board
):
    user = demo(*who) if who else None
    board_id = boards[which].pk if which is not None else max(b.pk for b in boards) + 1000
    outsider = open_board(live_asgi, board_id, user, token=token)
    assert outsider.closed_with() == code
    assert outsider.ops == []


def test_the_centre_admin_may_join(live_asgi, boards, open_board):
    admin = open_board(live_asgi, boards[0].pk, demo("admin"))
    assert admin.join()["you"]["role"] == "teacher"
