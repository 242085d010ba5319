"""Websocket routes of every app, gathered for portal.asgi."""

from portal.core.routing import websocket_urlpatterns as core_patterns

websocket_urlpatterns = [*core_patterns]
