"""A minimal authenticated WebSocket endpoint: lets the UI and the health
checks confirm that the ASGI server really serves WebSockets."""

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # A malformed frame gets an error frame; the connection stays usable.
        try:
            content = json.loads(text_data or "")
        except (TypeError, ValueError):
            await self.send_json({"type": "error", "error": "malformed frame"})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "id": content.get("id")})
        else:
            await self.send_json({"type": "error", "error": "unknown frame"})
