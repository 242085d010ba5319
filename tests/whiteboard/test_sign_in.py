"""Signing in to a board on a real daphne: apps by token, with or without an Origin header;
browsers by session cookie, and only from the portal's own pages (portal/core/websocket_auth.py).
Joining only reads, so these tests use the committed demo boards."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from portal.whiteboard import protocol
from portal.whiteboard.demo import DEMO_TITLE
from portal.whiteboard.models import Whiteboard
from tests.notifications.test_live_notices import session_cookie
from tests.whiteboard.conftest import demo, first_class
from tests.whiteboard.live import OWN_PAGE

pytestmark = pytest.mark.django_db

FOREIGN_PAGE = "http://evil.example"


@pytest.fixture
def board() -> Whiteboard:
    return Whiteboard.objects.get(school_class=first_class("riverside"), title=DEMO_TITLE)


@pytest.mark.parametrize("origin", [None, FOREIGN_PAGE, OWN_PAGE])
def test_an_app_joins_by_token_whatever_its_origin(live_asgi, board, open_board, origin):
    student = open_board(live_asgi, board.pk, demo("student1"), origin=origin)
    assert student.join()["you"] == {
        "id": demo("student1").pk,
        "name": str(demo("student1")),
        "role": "student",
    }


def test_a_browser_joins_by_cookie_from_the_portals_own_page(live_asgi, board, open_board):
    cookie = session_cookie("teacher1@riverside.example")
    teacher = open_board(live_asgi, board.pk, cookie=cookie, origin=OWN_PAGE)
    assert teacher.join()["you"]["id"] == demo("teacher1").pk


@pytest.mark.parametrize("origin", [None, FOREIGN_PAGE])
def test_a_cookie_from_another_site_or_no_page_is_refused(live_asgi, board, open_board, origin):
    cookie = session_cookie("teacher1@riverside.example")
    with pytest.raises(InvalidStatus) as refused:
        open_board(live_asgi, board.pk, cookie=cookie, origin=origin)
    assert refused.value.response.status_code == 403


def test_a_token_that_fails_is_never_the_cookies_user(live_asgi, board, open_board):
    """Another site's page may put any token on the URL while the browser adds our cookie: such
    a connection skips the Origin check, so it must be anonymous, not the cookie's user."""
    cookie = session_cookie("teacher1@riverside.example")
    hijack = open_board(live_asgi, board.pk, token="not-a-jwt", cookie=cookie, origin=FOREIGN_PAGE)
    assert hijack.closed_with() == protocol.CLOSE_UNAUTHENTICATED
    assert hijack.ops == []
