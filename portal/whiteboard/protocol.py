"""The whiteboard protocol's limits and the checks on what a client sends
(docs/whiteboard-protocol.md). Refusals are ValidationErrors whose code the error frame names."""

from __future__ import annotations

import math
import re
import time

from django.core.exceptions import ValidationError

MAX_FRAME_BYTES = 64 * 1024
MAX_POINTS = 2_000
MAX_ERASE_TARGETS = 500
MAX_WIDTH = 64
TOOLS = ("pen", "highlighter")
#: Token bucket per connection: a steady rate with room for a burst of quick strokes.
OPS_PER_SECOND = 100
BURST = 200
#: Refused frames (rate limited) before the bucket is half full again that close the
#: connection as a flood.
FLOOD_STRIKES = 50

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_FLOOD = 4429

STROKE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
    if not isinstance(stroke_id, str) or not STROKE_ID.match(stroke_id):
        raise refuse("invalid_stroke", "A stroke needs an id of 1-64 letters, digits, - or _.")
    if tool not in TOOLS:
        raise refuse("invalid_stroke", f"The tool must be one of {', '.join(TOOLS)}.")
    if not isinstance(colour, str) or not COLOUR.match(colour):
        raise refuse("invalid_stroke", "The colour must look like #1a2b3c.")
    if not is_number(width) or not 0 < width <= MAX_WIDTH:
        raise refuse("invalid_stroke", f"The width must be between 0 and {MAX_WIDTH}.")
    if not isinstance(points, list) or not points:
        raise refuse("invalid_stroke", "A stroke needs at least one point.")
    if len(points) > MAX_POINTS:
        raise refuse("too_many_points", f"A stroke may have at most {MAX_POINTS} points.")
    if not all(_point(point) for point in points):
        raise refuse("invalid_stroke", "Each point is [x, y, pressure], all numbers.")
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
        or not all(isinstance(target, str) and STROKE_ID.match(target) for target in targets)
    ):
        raise refuse("invalid_erase", "target_ids lists the ids of the strokes to erase.")
    return {"target_ids": targets}


def clean_target(message: dict) -> int | None:
    """The optional `seq` of an undo or redo."""
    seq = message.get("seq")
    if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 1):
        raise refuse("invalid_target", "seq names the op to undo or redo.")
    return seq


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _point(point) -> bool:
    return isinstance(point, list) and len(point) == 3 and all(is_number(value) for value in point)
