"""Production settings. Refuses to start without its secrets.

Required environment: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL
(PostgreSQL), REDIS_URL. Optional: EMAIL_URL (smtp://user:pass@host:587 with
?tls=True; filemail:////abs/folder or consolemail:// for a local stack),
DEFAULT_FROM_EMAIL, PORTAL_VAR_DIR. scripts/stack runs these settings locally
(docs/deployment.md).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"Production settings need the environment variable {name}.")
    return value


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS]
)

DATABASES = {"default": env.db_url_config(_required("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: DATABASE_URL must be postgres://…")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)

REDIS_URL = _required("REDIS_URL")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)

# HTTPS everywhere (nginx terminates TLS and sets X-Forwarded-Proto).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Except the health check, so that a load balancer may probe a worker directly over
# plain HTTP (it answers nothing but ok/fail; docs/deployment.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
PORTAL_REQUIRE_STAFF_2FA = True

# The simulated payment gateway moves no money: never in production.
ARBITRATION_PAYMENT_PROVIDER = env.str("ARBITRATION_PAYMENT_PROVIDER",
                                       default="arbitration.payments.BankTransferProvider")
if ARBITRATION_PAYMENT_PROVIDER.endswith("DevelopmentProvider"):
    raise ImproperlyConfigured("The development payment provider cannot be used in production.")
