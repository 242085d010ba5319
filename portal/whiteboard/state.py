"""What a board shows, folded from its op log: pure functions shared by snapshots, joins,
exports and the undo rules (the page's script folds the same way, see whiteboard.js).

A state is `{"seq", "locked", "items"}`; items are the ops that draw (stroke, erase, clear)
with `undone_at`/`undone_by` set while an undo holds them back. Undo and redo only flip those
two fields, so undoing a clear brings back everything it hid.
"""

from __future__ import annotations

from collections.abc import Iterable

DRAWING_KINDS = frozenset({"stroke", "erase", "clear"})


def empty_state() -> dict:
    return {"seq": 0, "locked": False, "items": []}


def fold(state: dict, ops: Iterable[dict]) -> dict:
    """The state after applying ops (protocol messages, in seq order) to a copy of `state`."""
    items = [dict(item) for item in state["items"]]
    by_seq = {item["seq"]: item for item in items}
    folded = {"seq": state["seq"], "locked": state["locked"], "items": items}
    for op in ops:
        kind = op["type"]
        if kind in DRAWING_KINDS:
            item = {**op, "undone_at": None, "undone_by": None}
            items.append(item)
            by_seq[op["seq"]] = item
        elif kind == "undo":
            by_seq[op["target"]].update(undone_at=op["seq"], undone_by=op["author"])
        elif kind == "redo":
            by_seq[op["target"]].update(undone_at=None, undone_by=None)
        else:
            folded["locked"] = kind == "lock"
        folded["seq"] = op["seq"]
    return folded


def visible_strokes(state: dict) -> list[dict]:
    """The strokes on the board, oldest first: what an export draws."""
    strokes: dict[str, dict] = {}
    for item in state["items"]:
        if item["undone_at"] is not None:
            continue
        if item["type"] == "stroke":
            strokes[item["id"]] = item
        elif item["type"] == "erase":
            for target in item["target_ids"]:
                strokes.pop(target, None)
        else:
            strokes.clear()
    return list(strokes.values())


def undo_target(state: dict, *, author: int, seq: int | None, any_author: bool) -> int | None:
    """The drawing op an undo takes back: `seq` if allowed, else the author's newest one."""
    active = [item for item in state["items"] if item["undone_at"] is None]
    if seq is not None:
        return _allowed(active, author=author, seq=seq, any_author=any_author)
    own = [item["seq"] for item in active if item["author"] == author]
    return max(own, default=None)


def redo_target(state: dict, *, author: int, seq: int | None, any_author: bool) -> int | None:
    """The undone op a redo brings back: `seq` if allowed, else the one this person undid last."""
    undone = [item for item in state["items"] if item["undone_at"] is not None]
    if seq is not None:
        return _allowed(undone, author=author, seq=seq, any_author=any_author)
    mine = [item for item in undone if item["undone_by"] == author]
    return max(mine, key=lambda item: item["undone_at"])["seq"] if mine else None


def _allowed(items: list[dict], *, author: int, seq: int, any_author: bool) -> int | None:
    found = next((item for item in items if item["seq"] == seq), None)
    if found is None or not (any_author or found["author"] == author):
        return None
    return seq
