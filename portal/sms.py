"""Text messages through a pluggable backend (settings.SMS_BACKEND).

The console backend (default) writes messages to the log; a production
backend implements `send(phone, text)` for the provider the centre uses.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("portal.sms")


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class LocmemBackend:
    """Keeps messages in `outbox` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    if phone:
        import_string(settings.SMS_BACKEND)().send(phone, text)
