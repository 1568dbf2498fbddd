"""WebSocket routes of the arbitration app (collected by portal/routing.py)."""

from django.urls import re_path

from mediation.consumers import SessionConsumer

websocket_urlpatterns = [
    # The room of an online hearing: the case number or ref, then the hearing's id (arbitration.hearing_rooms).
    re_path(r"^ws/arbitration/(?P<key>[A-Za-z0-9-]{1,64})/hearing/(?P<hearing>[0-9]{1,12})/$",
            SessionConsumer.as_asgi(process="arbitration")),
]
