"""Whiteboard operations: a board is seen by its class's teachers and students and the centre's
admins (not guardians); only teachers add boards or attach them to homework."""

from __future__ import annotations

from portal.centres.models import Centre
from portal.whiteboard.models import Whiteboard
from portal.whiteboard.services import whiteboard_for_class
from tests.api.matrix import (
    EVERYONE_SIGNED_IN,
    ONLY_PLATFORM,
    STAFF_CREATE,
    Entry,
    expect,
    first_class,
    live_homework,
)

BOARD_READ = expect("200 200 200 404 200 404 401")
BOARD_CREATE_ELSEWHERE = expect("201 400 400 400 400 400 401")
ATTACH = expect("201 201 201 404 403 404 401")
ATTACH_ELSEWHERE = expect("201 404 404 404 404 404 401")


def class_board(centre: Centre) -> Whiteboard:
    """7M1's board at Riverside (teacher1 teaches it, student1 attends it)."""
    return whiteboard_for_class(school_class=first_class(centre))


def board_body(centre: Centre) -> dict:
    return {"school_class": first_class(centre).pk, "title": "Matrix board"}


WHITEBOARDS: dict[str, Entry] = {
    "whiteboards_list": Entry(own=EVERYONE_SIGNED_IN),
    "whiteboards_create": Entry(own=STAFF_CREATE, other=BOARD_CREATE_ELSEWHERE, body=board_body),
    "whiteboards_retrieve": Entry(own=BOARD_READ, other=ONLY_PLATFORM, target=class_board),
    "whiteboards_history_retrieve": Entry(own=BOARD_READ, other=ONLY_PLATFORM, target=class_board),
    "whiteboards_export_retrieve": Entry(own=BOARD_READ, other=ONLY_PLATFORM, target=class_board),
    "whiteboards_attach_create": Entry(
        own=ATTACH,
        other=ATTACH_ELSEWHERE,
        target=class_board,
        body=lambda c: {"homework": live_homework(c).pk},
    ),
}
