"""Rate limits shared in a real Redis: one count for every server, their own while it is away."""

import asyncio
import hashlib
import time

import redis
import redis.asyncio

from assistant.channels.conversation_ids import ConversationIds
from assistant.channels.rate_limit import RateLimiter
from assistant.channels.shared_rate_limit import SharedRateLimiter
from assistant.settings import RateLimit
from assistant.storage.redis_health import RETRY_SECONDS, SOCKET_TIMEOUT_SECONDS, RedisHealth
from tests.helpers import Clock, OtherTask, frozen


def limiter(port: int, limit: RateLimit, clock: Clock | None = None) -> SharedRateLimiter:
    """One server's limiter (made inside the event loop that uses it, as redis.asyncio wants)."""
    client = redis.asyncio.Redis(
        port=port, socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
    )  # fmt: skip
    health = RedisHealth("rate limits", "counting alone", clock or Clock())
    pseudonym = ConversationIds("secret").pseudonym
    return SharedRateLimiter(RateLimiter(limit), client, "conversation", health, pseudonym)


def test_two_servers_share_one_burst_and_a_refusal_says_when_to_try_again(redis_server):
    async def takes() -> list[float | None]:
        servers = [limiter(redis_server.port, RateLimit(5, 60.0)) for _ in range(2)]
        return [await servers[i % 2].take("c1") for i in range(8)]

    waits = asyncio.run(takes())
    assert waits[:5] == [None] * 5
    assert all(wait is not None and 0 < wait <= 12.0 for wait in waits[5:])  # a token a 12 s


def test_two_servers_taking_the_last_tokens_at_once_never_take_more_than_the_limit(redis_server):
    async def at_once() -> list[float | None]:
        servers = [limiter(redis_server.port, RateLimit(10, 60.0)) for _ in range(2)]
        return await asyncio.gather(*(servers[i % 2].take("c2") for i in range(40)))

    assert sum(wait is None for wait in asyncio.run(at_once())) == 10


def test_keys_are_independent_and_redis_holds_no_id_only_keyed_digests_that_expire(redis_server):
    async def takes() -> tuple[float | None, float | None]:
        server = limiter(redis_server.port, RateLimit(1, 0.3))
        return await server.take("c3-resident"), await server.take("c4-resident")

    assert asyncio.run(takes()) == (None, None)
    stored = redis.Redis(port=redis_server.port)
    keys = [key.decode() for key in stored.keys("*")]
    assert len(keys) == 2 and not any("resident" in key for key in keys)
    guessable = hashlib.sha256(b"c3-resident").hexdigest()[:32]  # a digest without the secret
    assert not any(guessable in key for key in keys)
    time.sleep(0.5)  # both buckets full again: nothing left in Redis
    assert stored.keys("*") == []


def test_without_redis_each_server_counts_alone_says_degraded_and_shares_again(redis_server):
    clock = Clock()

    async def scenario() -> None:
        server = limiter(redis_server.port, RateLimit(2, 60.0), clock)
        redis_server.stop()
        alone = [await server.take("c5") for _ in range(3)]  # its own count: 2, then refused
        assert alone[:2] == [None, None] and alone[2] is not None
        assert server.degraded
        redis_server.start()
        assert await server.take("c6") is None and server.degraded  # not tried again yet
        clock.now += RETRY_SECONDS
        assert await server.take("c6") is None and not server.degraded
        assert await server.take("c6") is None  # Redis counts c6 afresh: its second token
        assert await server.take("c6") is not None

    asyncio.run(scenario())


def test_a_frozen_redis_does_not_hold_the_event_loop_while_a_limit_waits_for_it(redis_server):
    async def scenario() -> None:
        server = limiter(redis_server.port, RateLimit(5, 60.0))
        assert await server.take("c7") is None  # connected before Redis freezes
        with frozen(redis_server):
            async with OtherTask() as other:
                assert await server.take("c7") is None  # timed out: counted on its own
                assert other.turns > 1
        assert server.degraded

    asyncio.run(scenario())
