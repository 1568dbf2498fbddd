"""Settings of the ASGI server for browser journeys that follow emailed links
(tests/browser/conftest.py, `live_site`): tests/live_settings.py, with the
server's outbound email written to files in LIVE_EMAIL_DIR, where the test
reads them as the recipients would read their mail."""

import os

from tests.live_settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["LIVE_EMAIL_DIR"]
