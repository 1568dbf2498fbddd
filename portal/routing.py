"""WebSocket routes of the whole portal. Apps add theirs here as they grow."""

from django.urls import path

from arbitration.routing import websocket_urlpatterns as arbitration_websockets
from mediation.routing import websocket_urlpatterns as mediation_websockets
from portal.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *mediation_websockets,
    *arbitration_websockets,
]
