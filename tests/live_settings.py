"""Settings of the ASGI servers that tests start as separate processes
(tests/live_servers.py): the test settings, with the SQLite file the test copied
its database into, the test's notary keys and private files, and the channel
layer the test asks for (Redis when LIVE_REDIS_URL is set, else in memory)."""

import os

from portal.settings.test import *  # noqa: F403

DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["LIVE_DB_PATH"],
    # Several server processes share the file: WAL lets readers and the writer work at once.
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20},
}}
if os.environ.get("LIVE_REDIS_URL"):
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                  "CONFIG": {"hosts": [os.environ["LIVE_REDIS_URL"]]}}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
NOTARY_DIR = os.environ["LIVE_NOTARY_DIR"]
PRIVATE_MEDIA_ROOT = os.environ["LIVE_PRIVATE_DIR"]
STORAGES = {**STORAGES, "private": {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}}}
# No collectstatic in tests: WhiteNoise serves static/ through the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
