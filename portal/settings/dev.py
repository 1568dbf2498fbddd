"""Development settings: what `make run` uses. Never deploy these."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])


def _dev_secret_key() -> str:
    """A per-checkout random key kept in var/, so no key is ever committed."""
    import secrets

    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _dev_secret_key()

# Demo logins work without TOTP in development only.
PORTAL_REQUIRE_STAFF_2FA = env.bool("PORTAL_REQUIRE_STAFF_2FA", default=False)

# Developers capture pages served on their own machine.
NOTARY_CAPTURE_ALLOW_PRIVATE = env.bool("NOTARY_CAPTURE_ALLOW_PRIVATE", default=True)

# Developers run webhook receivers on their own machine.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=True)
