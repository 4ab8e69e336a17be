"""Rate limits per key (a conversation id, a client address): answer fast instead of queueing.

A token bucket per key, kept as one number: the time at which the key's bucket will be full
again (the "generic cell rate algorithm", the same limiter as a token bucket of ``messages``
tokens refilled at ``messages / seconds`` per second). A key whose bucket is full again is the
same as a key never seen, so it is forgotten; and at most ``max_keys`` keys are kept, the least
recently used forgotten first. Forgetting a key gives it a full bucket, which is what an
honest, quiet key would have anyway; the other choice at the cap, refusing keys not yet seen,
would let a flood of made-up ids lock every new resident out. A flood that tries to evict its
own key to reset it needs ``max_keys`` requests, which the per-address limit stops first.

Every check is O(1). Not thread-safe: use one limiter per event loop.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Protocol

from assistant.settings import RateLimit


class Limiter(Protocol):
    """What the channels ask of a rate limit (this module's, or the Redis-shared one)."""

    @property
    def degraded(self) -> bool:
        """Whether it counts on this server only while it should count for all of them."""

    async def take(self, key: str) -> float | None:
        """Take a token for ``key``: None if it had one, else the seconds until it will."""

# Allows for rounding in the sums of intervals (120 / 10 is not exact in binary).
_TOLERANCE_SECONDS = 1e-9
# How many forgettable keys each check removes: more than the one key a check can add.
_PRUNE_PER_CHECK = 2


class RateLimiter:
    """At most ``limit.messages`` per key in any ``limit.seconds``, bursts up to ``messages``.

    Args:
        limit: How many messages in how many seconds (from :mod:`assistant.settings`).
        clock: Seconds from a monotonic clock (tests pass a fake one).
        max_keys: The most keys kept at once; memory stays bounded whatever ids arrive.
    """

    def __init__(
        self,
        limit: RateLimit,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.limit = limit
        self.max_keys = max_keys
        self._clock = clock
        self._interval = limit.seconds / limit.messages  # one token comes back every interval
        # key -> when its bucket is full again; least recently used first.
        self._full_at: OrderedDict[Hashable, float] = OrderedDict()

    def __len__(self) -> int:
        """How many keys are kept (those whose bucket is not known to be full)."""
        return len(self._full_at)

    def allow(self, key: Hashable) -> bool:
        """Take a token for ``key``: True if it had one, False if it must wait (see below)."""
        now = self._clock()
        full_at = max(self._full_at.pop(key, now), now)
        allowed = full_at + self._interval - now <= self.limit.seconds + _TOLERANCE_SECONDS
        if allowed:
            full_at += self._interval
        # A refused key is kept too, and counts as recently used: a flood stays limited.
        self._full_at[key] = full_at
        self._forget(now)
        return allowed

    @property
    def degraded(self) -> bool:
        """Never: it depends on nothing (a shared limiter is degraded while Redis is away)."""
        return False

    async def take(self, key: Hashable) -> float | None:
        """Take a token for ``key``: None if it had one, else the seconds until it will."""
        return None if self.allow(key) else self.retry_after(key)

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` has a token again (0 if it has one now); takes nothing.

        For a Retry-After header, round it up to whole seconds (``math.ceil``).
        """
        now = self._clock()
        full_at = self._full_at.get(key, now)
        return max(0.0, full_at + self._interval - self.limit.seconds - now)

    def _forget(self, now: float) -> None:
        """Drop the oldest keys whose bucket is full again, and any over ``max_keys``.

        A key last used ``seconds`` ago or more is always full again, so the keys kept are at
        most those used in the last ``seconds``; checking only the oldest few keeps this O(1).
        """
        for _ in range(_PRUNE_PER_CHECK):
            oldest = next(iter(self._full_at), None)
            if oldest is None or self._full_at[oldest] > now:
                break
            del self._full_at[oldest]
        while len(self._full_at) > self.max_keys:
            self._full_at.popitem(last=False)
