"""A websockets client speaking the whiteboard protocol, for tests against real daphne."""

from __future__ import annotations

import json

from rest_framework_simplejwt.tokens import AccessToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

#: Frames one wait may read before giving up: bounds every loop in these tests.
MAX_FRAMES = 5_000


#: `origin` of a handshake made by one of the portal's own pages.
OWN_PAGE = "own page"


def board_socket(
    address: str,
    board_id: int,
    user=None,
    *,
    token: str | None = None,
    cookie: str | None = None,
    origin: str | None = OWN_PAGE,
):
    """An unopened websocket to a board, signed in with the user's JWT (or the given token, or
    a session `cookie`), from our own page, another `origin`, or none (None, as apps connect)."""
    if user is not None:
        token = str(AccessToken.for_user(user))
    query = f"?token={token}" if token else ""
    return connect(
        f"ws://{address}/ws/whiteboards/{board_id}/{query}",
        origin=f"http://{address}" if origin == OWN_PAGE else origin,
        additional_headers={"Cookie": cookie} if cookie else None,
        open_timeout=10,
    )


class BoardClient:
    """One person's connection to one board; keeps the ops it was sent, in arrival order."""

    def __init__(self, ws):
        self.ws = ws
        self.ops: list[dict] = []
        self.errors: list[dict] = []
        self.presence: list[dict] = []

    def send(self, **message) -> None:
        self.ws.send(json.dumps(message))

    def receive(self, timeout: float = 10) -> dict:
        frame = json.loads(self.ws.recv(timeout=timeout))
        if frame["type"] == "ops":
            self.ops.extend(frame["ops"])
        elif frame["type"] == "error":
            self.errors.append(frame)
        elif frame["type"] == "presence":
            self.presence.append(frame)
        return frame

    def wait_for(self, frame_type: str, timeout: float = 10) -> dict:
        for _ in range(MAX_FRAMES):
            frame = self.receive(timeout)
            if frame["type"] == frame_type:
                return frame
        raise AssertionError(f"no {frame_type} frame")

    def join(self, last_seq: int = 0) -> dict:
        self.send(type="join", last_seq=last_seq)
        return self.wait_for("welcome")

    def wait_for_seq(self, seq: int, timeout: float = 10) -> None:
        for _ in range(MAX_FRAMES):
            if self.ops and self.ops[-1]["seq"] >= seq:
                return
            self.receive(timeout)
        raise AssertionError(f"seq {seq} never arrived")

    def closed_with(self, timeout: float = 10) -> int:
        """Read until the server closes the connection; its close code."""
        try:
            for _ in range(MAX_FRAMES):
                self.receive(timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else closed.code
        raise AssertionError("the connection stayed open")


def seqs(ops: list[dict]) -> list[int]:
    return [op["seq"] for op in ops]
