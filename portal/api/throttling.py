"""Rate limits per token (not per IP: a platform's many servers share one token).

Rates come from settings at each request (API_RATE for everything a token
does, API_BULK_RATE for bulk filings in addition), so they can be changed
without a restart of the class cache. Counts live in the default cache
(Redis in production, shared by all workers). Over the limit: 429 with
Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"
    rate_setting = "API_RATE"

    def get_rate(self) -> str:
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        # The hash, not the pk: keys stay unique even if ids are reused (tests).
        return f"api-throttle:{self.scope}:{token.token_hash[:32]}"


class BulkRateThrottle(TokenRateThrottle):
    scope = "bulk"
    rate_setting = "API_BULK_RATE"
