"""A token bucket: `rate` tokens a second, at most `burst` saved up. One per
WebSocket connection (settings SESSION_RATE_PER_SEC, SESSION_RATE_BURST)."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    def __init__(self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = float(rate), max(1, int(burst)), clock
        self.tokens = float(self.burst)
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def take(self) -> bool:
        """Spend one token if there is one."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def retry_after(self) -> float:
        """Seconds until the next token."""
        self._refill()
        return 0.0 if self.tokens >= 1 or self.rate <= 0 else round((1 - self.tokens) / self.rate, 3)
