"""Rate limits counted in Redis, so that behind several servers a client gets the limit once.

The same rule as :class:`~assistant.channels.rate_limit.RateLimiter` (the generic cell rate
algorithm: one number per key, the time its bucket is full again), run inside Redis as one
script, so every server counts against the same bucket and two servers cannot both take the last
token. Redis's own clock is the one clock, whatever the servers' clocks say. A bucket expires
when it is full again, so Redis holds only the keys used in the last ``seconds``; keys are
stored as pseudonyms (:meth:`~assistant.channels.conversation_ids.ConversationIds.pseudonym`,
keyed with the servers' shared secret), so no conversation id or client address is kept in
Redis, nor one that could be guessed back from it.

While Redis cannot be reached each server counts on its own (the limit per server, as on one
machine) and reports itself degraded; Redis is tried again every few seconds
(:class:`~assistant.storage.redis_health.RedisHealth`). Redis is called asynchronously, never
blocking the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio

from assistant.channels.rate_limit import RateLimiter
from assistant.storage.redis_health import RedisHealth

# KEYS[1]: the bucket. ARGV[1]: seconds one token takes to come back; ARGV[2]: the window.
# Returns "0" when a token was taken, else the seconds until one comes back.
GCRA_SCRIPT = """
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local interval = tonumber(ARGV[1])
local seconds = tonumber(ARGV[2])
local full_at = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local wait = full_at + interval - seconds - now
if wait > 1e-9 then
  return string.format('%.6f', wait)
end
full_at = full_at + interval
redis.call('SET', KEYS[1], string.format('%.6f', full_at), 'PX',
  math.ceil((full_at - now) * 1000))
return '0'
"""


class SharedRateLimiter:
    """``local``'s limit, counted in Redis for every server; ``local`` itself while Redis is away.

    Args:
        local: This server's own limiter (its limit is the one shared).
        client: The Redis client (``redis.asyncio``, with short time-outs).
        name: What the keys are ("conversation", "address"), part of the Redis key.
        health: Whether Redis answered at the last try (shared by a server's limiters).
        pseudonym: What a key is stored as (the same on every server).
        prefix: The start of every Redis key (several apps may share one Redis).
    """

    def __init__(
        self,
        local: RateLimiter,
        client: redis.asyncio.Redis,
        name: str,
        health: RedisHealth,
        pseudonym: Callable[[str], str],
        prefix: str = "bsol",
    ) -> None:
        self.limit = local.limit
        self._local = local
        self._script: Any = client.register_script(GCRA_SCRIPT)
        self._name = f"{prefix}:rate:{name}:"
        self._health = health
        self._pseudonym = pseudonym

    @property
    def degraded(self) -> bool:
        """Whether Redis could not be reached at the last try (each server counts alone)."""
        return self._health.degraded

    async def take(self, key: str) -> float | None:
        """Take a token for ``key``: None if it had one, else the seconds until it will."""
        if self._health.worth_trying():
            interval = self.limit.seconds / self.limit.messages
            try:
                wait = float(
                    await self._script(keys=[self._key(key)], args=[interval, self.limit.seconds])
                )
            except redis.RedisError as error:
                self._health.went_away(error)
            else:
                self._health.answered()
                return wait if wait > 0 else None
        return await self._local.take(key)

    def _key(self, key: str) -> str:
        return self._name + self._pseudonym(key)
