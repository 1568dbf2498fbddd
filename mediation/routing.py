"""WebSocket routes of the mediation app (collected by portal/routing.py)."""

from django.urls import re_path

from mediation.consumers import SessionConsumer

websocket_urlpatterns = [
    # The case number (ZJIP-M-2026-000123) or its ref (UUID); the room is joint, claimant or respondent.
    re_path(r"^ws/mediation/(?P<key>[A-Za-z0-9-]{1,64})/(?P<room>joint|claimant|respondent)/$",
            SessionConsumer.as_asgi()),
]
