"""One sign-in rule for every websocket route on a real daphne (portal/core/websocket_auth.py):
a token connection needs no Origin header, a session cookie one needs the portal's own."""

from __future__ import annotations

import json

import pytest
from rest_framework_simplejwt.tokens import AccessToken
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from portal.accounts.models import User
from tests.notifications.test_live_notices import session_cookie

pytestmark = pytest.mark.django_db

STUDENT = "student1@riverside.example"
#: Each route and the type of the first frame it sends a connection it accepted.
ROUTES = [("ws/notifications/", "unread"), ("ws/health/", "health")]


@pytest.mark.parametrize(("path", "first_frame"), ROUTES)
def test_a_token_connection_without_an_origin_is_served(live_asgi, path, first_frame):
    token = AccessToken.for_user(User.objects.get(email=STUDENT))
    with connect(f"ws://{live_asgi}/{path}?token={token}", open_timeout=10) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == first_frame


@pytest.mark.parametrize("path", [path for path, _first_frame in ROUTES])
def test_a_cookie_connection_without_an_origin_is_refused(live_asgi, path):
    with pytest.raises(InvalidStatus) as refused:
        connect(
            f"ws://{live_asgi}/{path}",
            additional_headers={"Cookie": session_cookie(STUDENT)},
            open_timeout=10,
        )
    assert refused.value.response.status_code == 403
