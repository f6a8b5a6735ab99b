"""Per-client rate limiting for the public chat: a token bucket per client key."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

RATE_LIMITED_MESSAGE = (
    "You are asking questions faster than I can answer them. Please wait a few seconds and "
    "try again."
)
# Buckets idle this long are full again and are dropped, so memory stays bounded.
_IDLE_SECONDS = 600.0
_MAX_CLIENTS = 10_000


class RateLimiter:
    """Allows `per_minute` questions per client on average, with bursts of up to `burst`.

    Token bucket (refill `per_minute / 60` tokens per second, capacity `burst`): a patient typing
    normally is never limited; a script hammering the chat is. `per_minute = 0` turns it off.
    Thread-safe.
    """

    def __init__(
        self,
        per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(max(burst, 1))
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last seen)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Take one token for `client`; False when it has none left."""
        if self._rate <= 0:
            return True
        now = self._clock()
        with self._lock:
            tokens, seen = self._buckets.get(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - seen) * self._rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > _MAX_CLIENTS:
                self._forget_idle(now)
            return allowed

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, (_, seen) in self._buckets.items() if now - seen > _IDLE_SECONDS]
        for key in idle:
            del self._buckets[key]
        if len(self._buckets) > _MAX_CLIENTS:
            # Still too many active clients: forget the longest-idle half rather than grow.
            by_age = sorted(self._buckets, key=lambda k: self._buckets[k][1])
            for key in by_age[: len(by_age) // 2]:
                del self._buckets[key]


class FailureThrottle:
    """Allows `attempts` failures per client within `window` seconds; then the client is
    refused until its oldest failure leaves the window (login guessing). Thread-safe."""

    def __init__(
        self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._attempts = attempts
        self._window = window
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < self._window]
            self._failures[client] = recent
            if len(recent) < self._attempts:
                return 0.0
            return self._window - (now - recent[0])

    def failed(self, client: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) > _MAX_CLIENTS:
                self._failures = {
                    k: v for k, v in self._failures.items() if v and now - v[-1] < self._window
                }
            self._failures.setdefault(client, []).append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
