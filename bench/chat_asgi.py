"""Bench-only ASGI application for bench/chat_latency.py (never deployed).

The portal's own WebSocket stack (portal/asgi.py: AllowedHostsOriginValidator,
AuthMiddlewareStack, the portal's routes including the mediation session
rooms) plus one extra route served by a bare Channels consumer:

    ws/bench/chat/<room>/   join the group, broadcast every "message" frame to it, ack the sender

The bare consumer does what the session consumer does on the wire for a text
message (group_send to everyone in the room, including the sender, and an
"ack" to the sender) and nothing else: no access check, no rate limit, no
database, no sequence numbers. Both consumers therefore run in the same
process, behind the same middleware, on the same channel layer.

Served with the bench's settings (tests/live_settings.py) by
    python -m uvicorn --app-dir bench chat_asgi:application
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.live_settings")
django_asgi_app = get_asgi_application()  # initialise Django before importing consumers

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import re_path  # noqa: E402

from portal.routing import websocket_urlpatterns  # noqa: E402


class BareChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group = "bench-chat-" + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group, self.channel_name)  # a member once the handshake is done
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "message":
            return
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": {
            "type": "message", "client_id": content.get("client_id"), "body": {"text": content.get("text")}}})
        await self.send_json({"type": "ack", "client_id": content.get("client_id")})

    async def chat_message(self, event):
        await self.send_json(event["message"])


application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([
        re_path(r"^ws/bench/chat/(?P<room>[a-z]{1,16})/$", BareChatConsumer.as_asgi()),
        *websocket_urlpatterns,
    ]))),
})
