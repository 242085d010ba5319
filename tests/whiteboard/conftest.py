from __future__ import annotations

import itertools
from contextlib import ExitStack

import pytest

from portal.accounts.models import User
from portal.classes.models import SchoolClass

_stroke_ids = itertools.count(1)


def stroke(**overrides) -> dict:
    """A stroke message as a client sends it, with a fresh id."""
    return {
        "type": "stroke",
        "id": f"s{next(_stroke_ids)}",
        "tool": "pen",
        "color": "#1a2b3c",
        "width": 3,
        "points": [[10, 10, 0.5], [20, 25, 0.6]],
        **overrides,
    }


def first_class(slug: str) -> SchoolClass:
    """7M1 at Riverside (taught by teacher1, student1 enrolled); G4-MATH at Hillcrest."""
    return SchoolClass.objects.filter(centre__slug=slug).order_by("pk").first()


def demo(local: str, slug: str = "riverside") -> User:
    return User.objects.get(email=f"{local}@{slug}.example")


@pytest.fixture
def live_boards(django_db_setup, django_db_blocker):
    """Boards committed for real, so daphne processes see them; removed afterwards, with
    their logs, leaving the shared demo data as it was."""
    from portal.whiteboard.models import Whiteboard

    with django_db_blocker.unblock():
        before = set(Whiteboard.objects.values_list("pk", flat=True))
        yield
        Whiteboard.objects.exclude(pk__in=before).delete()


@pytest.fixture
def open_board():
    """Connect a BoardClient (arguments of live.board_socket); all are closed afterwards."""
    from tests.whiteboard.live import BoardClient, board_socket

    with ExitStack() as sockets:

        def connect(*args, **kwargs) -> BoardClient:
            return BoardClient(sockets.enter_context(board_socket(*args, **kwargs)))

        yield connect
