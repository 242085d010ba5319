"""Whiteboards across two real daphne processes sharing the Redis channel layer, spoken to by
real websocket clients. Boards are committed (see `live_boards`), so the servers see them."""

from __future__ import annotations

import pytest

from portal.whiteboard.models import BoardOp
from portal.whiteboard.services import whiteboard_for_class
from portal.whiteboard.state import empty_state, fold, visible_strokes
from tests.whiteboard.conftest import demo, first_class, stroke
from tests.whiteboard.live import seqs

pytestmark = pytest.mark.usefixtures("live_boards")


@pytest.fixture(scope="module")
def servers(django_db_setup, process_logs):
    """Two daphne processes on different ports: ("127.0.0.1:p1", "127.0.0.1:p2")."""
    from tests.processes import daphne

    with daphne(process_logs) as first, daphne(process_logs) as second:
        yield first, second


@pytest.fixture
def board(live_boards):
    return whiteboard_for_class(school_class=first_class("riverside"))


def stored(board) -> list[dict]:
    return [op.as_message() for op in BoardOp.objects.filter(board=board).order_by("seq")]


def test_clients_on_two_processes_see_the_same_ops_in_the_same_order(servers, board, open_board):
    teacher = open_board(servers[0], board.pk, demo("teacher1"))
    student = open_board(servers[1], board.pk, demo("student1"))
    teacher.join()
    student.join()
    for _ in range(6):
        teacher.send(**stroke())
        student.send(**stroke())
    teacher.wait_for_seq(12)
    student.wait_for_seq(12)
    assert seqs(teacher.ops) == seqs(student.ops) == list(range(1, 13))
    assert teacher.ops == student.ops == stored(board)
    assert {op["author"] for op in teacher.ops} == {demo("teacher1").pk, demo("student1").pk}


def test_a_client_that_was_away_resumes_with_exactly_the_servers_log(servers, board, open_board):
    teacher = open_board(servers[0], board.pk, demo("teacher1"))
    student = open_board(servers[1], board.pk, demo("student1"))
    teacher.join()
    student.join()
    for _ in range(3):
        teacher.send(**stroke())
    student.wait_for_seq(3)
    student.ws.close()
    for _ in range(4):
        teacher.send(**stroke())
    teacher.send(type="undo")
    teacher.wait_for_seq(8)

    back = open_board(servers[1], board.pk, demo("student1"))
    welcome = back.join(last_seq=student.ops[-1]["seq"])
    back.wait_for_seq(8)
    assert welcome["seq"] == 3
    assert student.ops + back.ops == stored(board)
    assert seqs(student.ops + back.ops) == list(range(1, 9))


def test_student_clear_is_refused_and_teacher_clear_is_undone(servers, board, open_board):
    teacher = open_board(servers[0], board.pk, demo("teacher1"))
    student = open_board(servers[1], board.pk, demo("student1"))
    teacher.join()
    student.join()
    student.send(**stroke(id="homework-sum"))
    teacher.send(**stroke(id="worked-example"))
    student.wait_for_seq(2)
    before = visible_strokes(fold(empty_state(), student.ops))
    assert {item["id"] for item in before} == {"homework-sum", "worked-example"}
    student.send(type="clear")
    assert student.wait_for("error")["code"] == "teachers_only"
    teacher.send(type="clear")
    student.wait_for_seq(3)
    assert visible_strokes(fold(empty_state(), student.ops)) == []
    teacher.send(type="undo")
    student.wait_for_seq(4)
    assert visible_strokes(fold(empty_state(), student.ops)) == before
    assert student.ops == stored(board)


def test_a_locked_board_refuses_student_strokes(servers, board, open_board):
    teacher = open_board(servers[0], board.pk, demo("teacher1"))
    student = open_board(servers[1], board.pk, demo("student1"))
    teacher.join()
    student.join()
    teacher.send(type="lock")
    student.wait_for_seq(1)
    student.send(**stroke())
    assert student.wait_for("error")["code"] == "board_locked"
    assert [op["type"] for op in stored(board)] == ["lock"]
