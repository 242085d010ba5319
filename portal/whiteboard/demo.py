"""Demo whiteboards: a sketch board per class with a few strokes, so the board page, its
exports and the admin listing show something. The classes' default boards stay empty: they
are made on first visit, as in real use."""

from __future__ import annotations

import math

from portal.centres.models import Centre
from portal.classes.models import SchoolClass
from portal.whiteboard.models import Whiteboard
from portal.whiteboard.services import board_op_append, whiteboard_create

DEMO_TITLE = "Lesson sketch"


def _wave(top: float) -> list[list[float]]:
    return [[200 + x * 10, top + 60 * math.sin(x / 6), 0.5] for x in range(0, 100)]


DEMO_STROKES = (
    {"id": "demo-wave", "tool": "pen", "color": "#1d4ed8", "width": 6, "points": _wave(400)},
    {
        "id": "demo-triangle",
        "tool": "pen",
        "color": "#b91c1c",
        "width": 4,
        "points": [[1300, 700, 0.5], [1500, 700, 0.5], [1400, 550, 0.5], [1300, 700, 0.5]],
    },
    {
        "id": "demo-highlight",
        "tool": "highlighter",
        "color": "#facc15",
        "width": 28,
        "points": [[200, 560, 0.5], [1200, 560, 0.5]],
    },
)


def seed_whiteboards(centre: Centre) -> None:
    """Idempotent: a class that already has the demo board is left as it is."""
    for school_class in SchoolClass.objects.filter(centre=centre).prefetch_related("teachers"):
        if Whiteboard.objects.filter(school_class=school_class, title=DEMO_TITLE).exists():
            continue
        teacher = school_class.teachers.order_by("pk").first()
        board = whiteboard_create(school_class=school_class, title=DEMO_TITLE, by=teacher)
        for stroke in DEMO_STROKES:
            board_op_append(board=board, author=teacher, kind="stroke", message=stroke)
