from django.urls import path

from portal.notifications.consumers import NoticeConsumer

websocket_urlpatterns = [path("ws/notifications/", NoticeConsumer.as_asgi())]
