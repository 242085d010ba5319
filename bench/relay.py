"""The whiteboard benchmark's baseline: a bare Channels consumer that only relays each frame
to its group (no auth checks, no validation, no database), served beside the portal."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

from portal.asgi import application as portal_application


class RelayConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = "whiteboard"  # the same layer as the boards it is compared with

    async def connect(self):
        self.room = f"relay.{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.room, {"type": "relay", "text": text_data})

    async def relay(self, event):
        await self.send(text_data=event["text"])


relay_routes = URLRouter([path("ws/relay/<str:room>/", RelayConsumer.as_asgi())])


async def application(scope, receive, send):
    """Relay sockets to the bare consumer; everything else to the portal as deployed."""
    if scope["type"] == "websocket" and scope["path"].startswith("/ws/relay/"):
        return await relay_routes(scope, receive, send)
    return await portal_application(scope, receive, send)
