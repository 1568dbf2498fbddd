"""The ASGI application serves WebSockets next to HTTP, with session auth and Origin checks."""

import pytest
from channels.testing import WebsocketCommunicator

from portal.asgi import application


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_anonymous_websocket_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[(b"origin", b"http://127.0.0.1")])
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_logged_in_user_gets_a_websocket_on_the_same_server():
    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.test import Client

    from tests.factories import UserFactory

    def session_cookie():
        client = Client()
        client.force_login(UserFactory())
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    cookie = await sync_to_async(session_cookie)()
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[
        (b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "id": 7})
    assert await communicator.receive_json_from() == {"type": "pong", "id": 7}
    await communicator.send_to(text_data="not json")
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.send_json_to({"type": "ping", "id": 8})
    assert await communicator.receive_json_from() == {"type": "pong", "id": 8}
    await communicator.disconnect()
