"""Readiness of the websocket side: proves the ASGI process reaches the channel layer."""

from __future__ import annotations

import uuid

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class ChannelLayerHealthConsumer(AsyncJsonWebsocketConsumer):
    """Sends itself a message through the channel layer and reports when it comes back.

    `{"status": "ok"}` means the message made the round trip through the channel layer (Redis
    in production); a layer that cannot be reached answers `{"status": "unavailable"}`.
    """

    async def connect(self):
        await self.accept()
        self.token = uuid.uuid4().hex
        self.probe_group = f"health.{self.token}"
        try:
            await self.channel_layer.group_add(self.probe_group, self.channel_name)
            await self.channel_layer.group_send(
                self.probe_group, {"type": "health.echo", "token": self.token}
            )
        except (OSError, ConnectionError):
            await self.send_json({"type": "health", "status": "unavailable"})
            await self.close()

    async def health_echo(self, event):
        status = "ok" if event["token"] == self.token else "unavailable"
        await self.channel_layer.group_discard(self.probe_group, self.channel_name)
        await self.send_json({"type": "health", "status": status})
        await self.close()
