"""The live end of a board: `/ws/whiteboards/<board_id>/` (docs/whiteboard-protocol.md).

The consumer parses frames, enforces the per-connection limits and calls the services; the
database is reached only through database_sync_to_async. Ops reach every connection through
the board's group; each connection keeps the seq it has delivered and fills any gap from the
database, so its client gets every op once, in seq order, whichever process stored it.
"""

from __future__ import annotations

import contextlib
import json

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError

from portal.whiteboard import protocol
from portal.whiteboard.models import BoardSnapshot, Whiteboard
from portal.whiteboard.selectors import OPS_PAGE, board_role, ops_after
from portal.whiteboard.services import BoardRefusal, board_op_append


@database_sync_to_async
def _open_board(user, board_id: int) -> tuple[Whiteboard | None, str]:
    board = Whiteboard.objects.visible_to(user).select_related("school_class").filter(pk=board_id)
    board = board.first()
    return board, (board_role(board=board, user=user) if board else "")


@database_sync_to_async
def _start_of(board: Whiteboard, last_seq: int) -> tuple[int, dict | None, bool]:
    """Where a join starts: after the newest snapshot for a fresh join, else after the client's
    seq (never beyond the board's own)."""
    newest, locked = Whiteboard.objects.values_list("last_seq", "locked").get(pk=board.pk)
    if last_seq:
        return min(last_seq, newest), None, locked
    snapshot = BoardSnapshot.objects.filter(board=board).order_by("-seq").first()
    return (snapshot.seq, snapshot.state, locked) if snapshot else (0, None, locked)


_append = database_sync_to_async(board_op_append)
_ops_after = database_sync_to_async(ops_after)


class WhiteboardConsumer(AsyncJsonWebsocketConsumer):
    channel_layer_alias = "whiteboard"  # pub/sub fan-out (settings.CHANNEL_LAYERS)
    board: Whiteboard | None = None
    delivered: int | None = None

    async def connect(self):
        # Accept first: close codes only reach the client on an open websocket.
        await self.accept()
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=protocol.CLOSE_UNAUTHENTICATED)
            return
        board_id = self.scope["url_route"]["kwargs"]["board_id"]
        self.board, self.role = await _open_board(self.user, board_id)
        if self.board is None:
            await self.close(code=protocol.CLOSE_NOT_FOUND)
            return
        self.group = f"whiteboard.{self.board.pk}"
        self.bucket = protocol.TokenBucket()
        self.strikes = 0
        self.me = {"id": self.user.pk, "name": str(self.user), "role": self.role}

    async def disconnect(self, code):
        if self.delivered is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self._to_board("presence.relay", event="leave", member=self.me)

    async def receive(self, text_data=None, bytes_data=None):
        if self.board is None:
            return
        if not self.bucket.take():
            self.strikes += 1
            if self.strikes > protocol.FLOOD_STRIKES:
                await self.close(code=protocol.CLOSE_FLOOD)
            else:
                await self._error("rate_limited", "Too many frames; slow down.")
            return
        if self.bucket.rested:
            self.strikes = 0
        if bytes_data is not None:
            await self._error("binary_frame", "Frames are JSON text.")
        elif len(text_data.encode()) > protocol.MAX_FRAME_BYTES:
            await self._error("frame_too_large", f"Frames are at most {protocol.MAX_FRAME_BYTES}.")
        else:
            await self._handle(text_data)

    async def _handle(self, text_data: str):
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):
            await self._error("bad_json", "The frame is not JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._error("bad_message", 'Every message is an object with a "type".')
        elif message["type"] == "join":
            await self._join(message)
        elif self.delivered is None:
            await self._error("join_first", "Send join before anything else.")
        elif message["type"] == "cursor":
            await self._cursor(message)
        else:
            await self._op(message)

    async def _join(self, message: dict):
        last_seq = message.get("last_seq", 0)
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            await self._error("bad_message", "last_seq is the seq of the last op you have.")
            return
        if self.delivered is None:
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self._to_board("presence.relay", event="join", member=self.me)
        start, state, locked = await _start_of(self.board, last_seq)
        welcome = {
            "type": "welcome",
            "board": {"id": self.board.pk, "title": self.board.title, "locked": locked},
            "you": self.me,
            "members": [self.me],
            "seq": start,
        }
        if state:
            welcome["state"] = state
        await self.send_json(welcome)
        self.delivered = start
        await self._catch_up()

    async def _catch_up(self):
        """Send every stored op after the last delivered one, a page at a time."""
        while True:
            ops = await _ops_after(board=self.board, seq=self.delivered)
            if ops:
                await self.send_json({"type": "ops", "ops": ops})
                self.delivered = ops[-1]["seq"]
            if len(ops) < OPS_PAGE:
                return

    async def _op(self, message: dict):
        try:
            op = await _append(
                board=self.board,
                author=self.user,
                role=self.role,
                kind=message["type"],
                message=message,
            )
        except BoardRefusal as refusal:
            await self._error(refusal.code, str(refusal))
        except ValidationError as invalid:
            await self._refuse(invalid)
        else:
            # Encoded once here for the whole class rather than once per connection: a class of
            # thirty receives every stroke thirty times.
            frame = json.dumps({"type": "ops", "ops": [op.as_message()]}, separators=(",", ":"))
            await self._to_board("board.op", seq=op.seq, frame=frame)

    async def _cursor(self, message: dict):
        try:
            position = protocol.clean_cursor(message)
        except ValidationError as invalid:
            await self._refuse(invalid)
            return
        await self._to_board("presence.relay", event="cursor", member=self.me, **position)

    async def board_op(self, event):
        seq = event["seq"]
        if self.delivered is None or seq <= self.delivered:
            return
        if seq == self.delivered + 1:
            await self.send(text_data=event["frame"])
            self.delivered = seq
        else:
            # Broadcasts from two processes can overtake each other; the log cannot.
            await self._catch_up()

    async def presence_relay(self, event):
        if self.delivered is None:
            return
        shown = {key: value for key, value in event.items() if key not in ("type", "reply_to")}
        await self.send_json({"type": "presence", **shown})
        if event["event"] == "join" and event["member"] != self.me:
            # Tell the newcomer who was already here. When a whole class joins at once these
            # replies pile up on each newcomer's channel; presence is best effort, so a full
            # channel drops the reply rather than taking this connection down.
            with contextlib.suppress(ChannelFull):
                await self.channel_layer.send(
                    event["reply_to"],
                    {"type": "presence.relay", "event": "here", "member": self.me},
                )

    async def _to_board(self, kind: str, **event):
        await self.channel_layer.group_send(
            self.group, {"type": kind, "reply_to": self.channel_name, **event}
        )

    async def _refuse(self, invalid: ValidationError):
        await self._error(invalid.code or "invalid", " ".join(invalid.messages))

    async def _error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})
