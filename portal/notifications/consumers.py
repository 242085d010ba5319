"""The live end of the notification centre: `/ws/notifications/`.

Signed-in pages (session cookie) join their person's group and get the unread count at once,
then every change to it; what changed is read from the database, never trusted from the client.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from portal.notifications.notices import unread_counts, user_group


@database_sync_to_async
def _unread(user_id: int) -> int:
    return unread_counts([user_id])[user_id]


class NoticeConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "unread", "unread": await _unread(user.pk)})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notice_push(self, event):
        await self.send_json(
            {"type": "notice", "unread": event["unread"], "notice": event["notice"]}
        )
