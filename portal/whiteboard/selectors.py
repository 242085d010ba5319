"""Reads of a board's log: ops after a seq, and the state at a seq (snapshot + ops after it)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.whiteboard.export import board_png, board_svg
from portal.whiteboard.models import BoardOp, BoardSnapshot, Whiteboard
from portal.whiteboard.state import empty_state, fold

#: The most ops one `ops` frame (or one history page) carries.
OPS_PAGE = 500


def ops_after(*, board: Whiteboard, seq: int, limit: int = OPS_PAGE) -> list[dict]:
    """Protocol messages of the ops after `seq`, in order."""
    ops = BoardOp.objects.filter(board=board, seq__gt=seq).order_by("seq")[:limit]
    return [op.as_message() for op in ops]


def board_state(*, board: Whiteboard, at_seq: int | None = None) -> dict:
    """The state at `at_seq` (now when None): the newest snapshot not after it, plus the ops
    between, so the cost follows the snapshot interval, not the board's age."""
    snapshots = BoardSnapshot.objects.filter(board=board)
    ops = BoardOp.objects.filter(board=board)
    if at_seq is not None:
        snapshots = snapshots.filter(seq__lte=at_seq)
        ops = ops.filter(seq__lte=at_seq)
    snapshot = snapshots.order_by("-seq").first()
    start = snapshot.state if snapshot else empty_state()
    later = ops.filter(seq__gt=start["seq"]).order_by("seq")
    return fold(start, (op.as_message() for op in later.iterator()))


def board_role(*, board: Whiteboard, user) -> str:
    """ "teacher" for the class's teachers, centre admins and platform admins; else "student".
    Callers have already found the board through `visible_to(user)`."""
    from portal.centres.scoping import Role, centre_ids_where

    if user.is_superuser or board.school_class.centre_id in centre_ids_where(user, Role.ADMIN):
        return "teacher"
    if board.school_class.teachers.filter(pk=user.pk).exists():
        return "teacher"
    return "student"


#: Export formats and their content types (the drawings are in portal/whiteboard/export.py).
EXPORT_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class BoardExport:
    content: bytes
    content_type: str
    filename: str


def board_export(*, board: Whiteboard, file_format: str, at_seq: int | None = None) -> BoardExport:
    """The board (as of `at_seq`, or now) drawn as an SVG or PNG file, named after its seq."""
    state = board_state(board=board, at_seq=at_seq)
    content = board_svg(state).encode() if file_format == "svg" else board_png(state)
    return BoardExport(
        content=content,
        content_type=EXPORT_FORMATS[file_format],
        filename=f"whiteboard-{board.pk}-{state['seq']}.{file_format}",
    )
