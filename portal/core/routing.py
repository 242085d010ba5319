from django.urls import path

from portal.core.consumers import ChannelLayerHealthConsumer

websocket_urlpatterns = [path("ws/health/", ChannelLayerHealthConsumer.as_asgi())]
