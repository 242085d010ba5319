"""Ops, their numbering, and what undo, redo, clear and lock do to a board."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.whiteboard import protocol, services
from portal.whiteboard.models import BoardOp, BoardSnapshot, Whiteboard
from portal.whiteboard.selectors import board_state, ops_after
from portal.whiteboard.services import BoardRefusal, board_op_append, whiteboard_for_class
from portal.whiteboard.state import visible_strokes
from tests.whiteboard.conftest import demo, first_class, stroke

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return whiteboard_for_class(school_class=first_class("riverside"))


def draw(board, who: str, **message):
    kind = message.pop("type")
    return board_op_append(board=board, author=demo(who), kind=kind, message=message)


def shown(board) -> list[str]:
    return [item["id"] for item in visible_strokes(board_state(board=board))]


def test_the_default_board_is_made_once_per_class(board):
    again = whiteboard_for_class(school_class=board.school_class)
    assert again == board
    assert Whiteboard.objects.filter(school_class=board.school_class, is_default=True).count() == 1


def test_seqs_increase_by_one_whoever_draws(board):
    ops = [draw(board, who, **stroke()) for who in ("teacher1", "student1", "teacher1")]
    assert [op.seq for op in ops] == [1, 2, 3]
    assert [op["author"] for op in ops_after(board=board, seq=1)] == [
        demo("student1").pk,
        demo("teacher1").pk,
    ]


def test_an_append_costs_a_fixed_number_of_queries(board, django_assert_num_queries):
    draw(board, "teacher1", **stroke())
    teacher = demo("teacher1")
    # roles, class teachers, savepoint, counter (locks the row), insert, release
    with django_assert_num_queries(6):
        board_op_append(board=board, author=teacher, kind="stroke", message=stroke())
    # a live connection knows its role: savepoint, counter, insert, release
    with django_assert_num_queries(4):
        board_op_append(
            board=board, author=teacher, role="teacher", kind="stroke", message=stroke()
        )


def test_a_locked_board_refuses_students_without_using_up_a_seq(board):
    draw(board, "teacher1", type="lock")
    with pytest.raises(BoardRefusal) as refused:
        draw(board, "student1", **stroke())
    assert refused.value.code == "board_locked"
    assert draw(board, "teacher1", **stroke()).seq == 2
    draw(board, "teacher1", type="unlock")
    assert draw(board, "student1", **stroke()).seq == 4


def test_undo_and_redo_take_back_and_bring_back_your_own_last_stroke(board):
    draw(board, "student1", **stroke(id="mine"))
    draw(board, "teacher1", **stroke(id="theirs"))
    undo = draw(board, "student1", type="undo")
    assert undo.payload == {"target": 1}
    assert shown(board) == ["theirs"]
    draw(board, "student1", type="redo")
    assert shown(board) == ["mine", "theirs"]


def test_students_may_not_undo_someone_else(board):
    draw(board, "teacher1", **stroke())
    with pytest.raises(ValidationError) as refused:
        draw(board, "student1", type="undo", seq=1)
    assert refused.value.code == "nothing_to_undo"


def test_teachers_may_undo_anyones_op(board):
    draw(board, "student1", **stroke(id="rude"))
    draw(board, "teacher1", type="undo", seq=1)
    assert shown(board) == []


def test_erase_hides_a_stroke_until_it_is_undone(board):
    draw(board, "student1", **stroke(id="a"))
    draw(board, "student1", type="erase", target_ids=["a"])
    assert shown(board) == []
    draw(board, "student1", type="undo")
    assert shown(board) == ["a"]


def test_student_clear_is_refused_and_stores_nothing(board):
    draw(board, "student1", **stroke())
    with pytest.raises(BoardRefusal) as refused:
        draw(board, "student1", type="clear")
    assert refused.value.code == "teachers_only"
    assert BoardOp.objects.filter(board=board).count() == 1


def test_teacher_clear_then_undo_restores_the_board(board):
    draw(board, "student1", **stroke(id="a"))
    draw(board, "teacher1", **stroke(id="b"))
    draw(board, "teacher1", type="clear")
    draw(board, "student1", **stroke(id="after"))
    assert shown(board) == ["after"]
    draw(board, "teacher1", type="undo")
    assert shown(board) == ["a", "b", "after"]


def test_a_locked_board_refuses_students_but_not_teachers(board):
    draw(board, "teacher1", type="lock")
    with pytest.raises(BoardRefusal) as refused:
        draw(board, "student1", **stroke())
    assert refused.value.code == "board_locked"
    draw(board, "teacher1", **stroke())
    draw(board, "teacher1", type="unlock")
    draw(board, "student1", **stroke())
    assert board_state(board=board)["locked"] is False
    assert BoardOp.objects.filter(board=board).count() == 4


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (stroke(points=[[0, 0, 0]] * 2001), "too_many_points"),
        (stroke(color="red"), "invalid_stroke"),
        (stroke(points=[[0, "x", 0]]), "invalid_stroke"),
        (stroke(width=float("inf")), "invalid_stroke"),
        (stroke(width=0), "invalid_stroke"),
        (stroke(width=protocol.MAX_WIDTH + 1), "invalid_stroke"),
        (stroke(points=[[10, 10, -0.1]]), "invalid_stroke"),
        (stroke(points=[[10, 10, 1.5]]), "invalid_stroke"),
        (stroke(points=[[protocol.BOARD_WIDTH + 1, 10, 0.5]]), "invalid_stroke"),
        (stroke(points=[[10, -1, 0.5]]), "invalid_stroke"),
        (stroke(points=[[10**400, 10, 0.5]]), "invalid_stroke"),
        (stroke(color="#1a2b3c\n"), "invalid_stroke"),
        (stroke(id="s\n"), "invalid_stroke"),
        ({"type": "erase", "target_ids": []}, "invalid_erase"),
        ({"type": "paint"}, "unknown_type"),
    ],
)
def test_malformed_ops_are_refused(board, message, code):
    with pytest.raises(ValidationError) as refused:
        draw(board, "teacher1", **message)
    assert refused.value.code == code
    assert not BoardOp.objects.filter(board=board).exists()


def test_strokes_at_the_ends_of_the_ranges_are_taken(board):
    corners = [[0, 0, 0], [protocol.BOARD_WIDTH, protocol.BOARD_HEIGHT, 1], [800.5, 0.25, 0.5]]
    op = draw(board, "student1", **stroke(width=protocol.MAX_WIDTH, points=corners))
    assert op.payload["points"] == corners and op.seq == 1


def test_snapshots_give_the_same_state_as_the_whole_log(board, monkeypatch):
    monkeypatch.setattr(services, "SNAPSHOT_EVERY", 3)
    draw(board, "student1", **stroke(id="a"))
    draw(board, "teacher1", type="clear")
    draw(board, "teacher1", **stroke(id="b"))
    draw(board, "teacher1", type="undo", seq=2)
    assert BoardSnapshot.objects.get(board=board).seq == 3
    assert shown(board) == ["a", "b"]
    assert board_state(board=board, at_seq=2)["seq"] == 2
    assert visible_strokes(board_state(board=board, at_seq=2)) == []


def test_only_teachers_add_boards():
    school_class = first_class("riverside")
    with pytest.raises(PermissionDenied):
        services.whiteboard_create(school_class=school_class, title="X", by=demo("student1"))
    board = services.whiteboard_create(
        school_class=school_class, title="Fractions", by=demo("teacher1")
    )
    assert board.created_by == demo("teacher1") and not board.is_default


def test_boards_are_seen_by_the_class_and_its_centre_admins_only(board):
    other = whiteboard_for_class(school_class=first_class("hillcrest"))
    for who, expected in [
        ("teacher1", {board}),
        ("student1", {board}),
        ("admin", {board}),
        ("parent1", set()),
        ("teacher2", set()),
    ]:
        assert set(
            Whiteboard.objects.visible_to(demo(who)).filter(pk__in=[board.pk, other.pk])
        ) == (expected), who
