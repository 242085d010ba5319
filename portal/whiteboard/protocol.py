"""The whiteboard protocol's limits and the checks on what a client sends
(docs/whiteboard-protocol.md). Refusals are ValidationErrors whose code the error frame names."""

from __future__ import annotations

import re
import time

from django.core.exceptions import ValidationError

MAX_FRAME_BYTES = 64 * 1024
MAX_POINTS = 2_000
MAX_ERASE_TARGETS = 500
MAX_WIDTH = 64
TOOLS = ("pen", "highlighter")
#: The board's drawing space, in the units of every x and y: the page's canvas
#: (templates/whiteboard/board.html), which is also the size of an export.
BOARD_WIDTH, BOARD_HEIGHT = 1600, 1000
#: Where each value of a point `[x, y, pressure]` lies; a pen's pressure runs from 0 (barely
#: touching) to 1 (pressed hard), as the browser's PointerEvent.pressure does.
POINT_RANGES = ((0, BOARD_WIDTH), (0, BOARD_HEIGHT), (0, 1))
#: Token bucket per connection: a steady rate with room for a burst of quick strokes.
OPS_PER_SECOND = 100
BURST = 200
#: Refused frames (rate limited) before the bucket is half full again that close the
#: connection as a flood.
FLOOD_STRIKES = 50

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_FLOOD = 4429

#: Matched whole (fullmatch): `$` would let a trailing newline through.
STROKE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class TokenBucket:
    """Frames a connection may send: `rate` a second on average, `burst` at once."""

    def __init__(self, *, rate: float = OPS_PER_SECOND, burst: float = BURST):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @property
    def rested(self) -> bool:
        """Half full again: the sender has slowed down, earlier refusals are forgiven."""
        return self.tokens >= self.burst / 2


def refuse(code: str, message: str) -> ValidationError:
    return ValidationError(message, code=code)


def clean_stroke(message: dict) -> dict:
    stroke_id, tool = message.get("id"), message.get("tool")
    colour, width, points = message.get("color"), message.get("width"), message.get("points")
    if not isinstance(stroke_id, str) or not STROKE_ID.fullmatch(stroke_id):
        raise refuse("invalid_stroke", "A stroke needs an id of 1-64 letters, digits, - or _.")
    if tool not in TOOLS:
        raise refuse("invalid_stroke", f"The tool must be one of {', '.join(TOOLS)}.")
    if not isinstance(colour, str) or not COLOUR.fullmatch(colour):
        raise refuse("invalid_stroke", "The colour must look like #1a2b3c.")
    if not (within(width, 0, MAX_WIDTH) and width > 0):
        raise refuse("invalid_stroke", f"The width must be more than 0 and at most {MAX_WIDTH}.")
    if not isinstance(points, list) or not points:
        raise refuse("invalid_stroke", "A stroke needs at least one point.")
    if len(points) > MAX_POINTS:
        raise refuse("too_many_points", f"A stroke may have at most {MAX_POINTS} points.")
    if not all(_point(point) for point in points):
        raise refuse(
            "invalid_stroke",
            f"Each point is [x, y, pressure] on the board: x 0-{BOARD_WIDTH}, "
            f"y 0-{BOARD_HEIGHT}, pressure 0-1.",
        )
    return {
        "id": stroke_id,
        "tool": tool,
        "color": colour.lower(),
        "width": width,
        "points": points,
    }


def clean_erase(message: dict) -> dict:
    targets = message.get("target_ids")
    if (
        not isinstance(targets, list)
        or not 0 < len(targets) <= MAX_ERASE_TARGETS
        or not all(isinstance(target, str) and STROKE_ID.fullmatch(target) for target in targets)
    ):
        raise refuse("invalid_erase", "target_ids lists the ids of the strokes to erase.")
    return {"target_ids": targets}


def clean_target(message: dict) -> int | None:
    """The optional `seq` of an undo or redo."""
    seq = message.get("seq")
    if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 1):
        raise refuse("invalid_target", "seq names the op to undo or redo.")
    return seq


def clean_cursor(message: dict) -> dict:
    x, y = message.get("x"), message.get("y")
    if not _in_ranges([x, y], POINT_RANGES[:2]):
        raise refuse("bad_message", "A cursor has x and y on the board.")
    return {"x": x, "y": y}


def within(value, low: float, high: float) -> bool:
    """A JSON number from low to high. Compared as it came, never converted: a 400-digit
    integer is simply out of range, and NaN is within nothing."""
    return _is_number(value) and low <= value <= high


def clamped(value, low: float, high: float) -> float | None:
    """A number moved into low..high, or None for what is not a number (or is NaN)."""
    if not _is_number(value) or value != value:
        return None
    return float(min(max(value, low), high))


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _point(point) -> bool:
    return isinstance(point, list) and _in_ranges(point, POINT_RANGES)


def _in_ranges(values: list, ranges: tuple) -> bool:
    return len(values) == len(ranges) and all(
        within(value, *bounds) for value, bounds in zip(values, ranges, strict=True)
    )
