from django.urls import path

from portal.whiteboard.consumers import WhiteboardConsumer

websocket_urlpatterns = [
    path("ws/whiteboards/<int:board_id>/", WhiteboardConsumer.as_asgi()),
]
