"""Across processes: a real daphne pushes the unread count to `/ws/notifications/` over the
Redis channel layer, for the signed-in session only."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from portal.accounts.models import User
from portal.notifications.models import Notice
from portal.notifications.notices import push_now

pytestmark = pytest.mark.django_db(transaction=False)


def session_cookie(email: str) -> str:
    """A real session in the shared (Redis) session store, as a browser would hold it."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def open_socket(live_asgi: str, cookie: str | None):
    headers = {"Cookie": cookie} if cookie else {}
    return connect(
        f"ws://{live_asgi}/ws/notifications/",
        origin=f"http://{live_asgi}",
        additional_headers=headers,
        open_timeout=10,
    )


def test_the_open_page_hears_its_unread_count_and_each_push(live_asgi):
    student = User.objects.get(email="student1@riverside.example")
    committed_unread = Notice.objects.filter(recipient=student, read_at__isnull=True).count()
    with open_socket(live_asgi, session_cookie(student.email)) as socket:
        first = json.loads(socket.recv(timeout=10))
        assert first == {"type": "unread", "unread": committed_unread}
        push_now([student.pk], {student.pk: {"id": 1, "title": "Returned: Essay"}})
        pushed = json.loads(socket.recv(timeout=10))
        assert pushed["type"] == "notice"
        assert pushed["notice"]["title"] == "Returned: Essay"
        assert pushed["unread"] == committed_unread


def test_someone_elses_push_does_not_arrive(live_asgi):
    student = User.objects.get(email="student1@riverside.example")
    other = User.objects.get(email="student1@hillcrest.example")
    with open_socket(live_asgi, session_cookie(student.email)) as socket:
        json.loads(socket.recv(timeout=10))
        push_now([other.pk], {other.pk: {"id": 2, "title": "Not yours"}})
        push_now([student.pk], {student.pk: {"id": 3, "title": "Yours"}})
        assert json.loads(socket.recv(timeout=10))["notice"]["title"] == "Yours"


def test_without_a_session_the_socket_is_refused(live_asgi):
    with pytest.raises(InvalidStatus) as refused:
        open_socket(live_asgi, None)
    assert refused.value.response.status_code == 403
