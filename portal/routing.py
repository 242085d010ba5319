"""Websocket routes of every app, gathered for portal.asgi."""

from portal.core.routing import websocket_urlpatterns as core_patterns
from portal.notifications.routing import websocket_urlpatterns as notification_patterns
from portal.whiteboard.routing import websocket_urlpatterns as whiteboard_patterns

websocket_urlpatterns = [*core_patterns, *notification_patterns, *whiteboard_patterns]
