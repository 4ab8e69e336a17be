"""Rate limits: bursts up to the limit, refill over time, bounded memory, a Retry-After."""

import asyncio

import pytest

from assistant.channels.rate_limit import RateLimiter
from assistant.settings import RateLimit
from tests.helpers import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(1000.0)


def test_a_burst_up_to_the_limit_is_allowed_then_refused(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(10, 10.0), clock=clock)
    assert [limiter.allow("a") for _ in range(12)] == [True] * 10 + [False] * 2


def test_tokens_come_back_over_time(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(10, 10.0), clock=clock)
    for _ in range(10):
        limiter.allow("a")
    clock.now += 0.99
    assert not limiter.allow("a")
    clock.now += 0.01  # one token a second
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now += 3
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    clock.now += 60  # a long pause refills the bucket, but only up to the burst
    assert [limiter.allow("a") for _ in range(11)] == [True] * 10 + [False]


def test_a_limit_whose_interval_is_not_exact_in_binary_allows_its_whole_burst(
    clock: Clock,
) -> None:
    limiter = RateLimiter(RateLimit(120, 10.0), clock=clock)
    assert [limiter.allow("a") for _ in range(121)] == [True] * 120 + [False]
    clock.now += 10 / 120
    assert limiter.allow("a")


def test_refused_requests_do_not_use_up_tokens(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(2, 10.0), clock=clock)
    limiter.allow("a"), limiter.allow("a")
    for _ in range(100):
        assert not limiter.allow("a")
    clock.now += 5
    assert limiter.allow("a")


def test_keys_are_independent(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(3, 10.0), clock=clock)
    assert [limiter.allow("flood") for _ in range(5)] == [True] * 3 + [False] * 2
    assert [limiter.allow("resident") for _ in range(3)] == [True] * 3
    assert limiter.retry_after("resident") > 0 and limiter.retry_after("someone else") == 0


def test_retry_after_is_the_wait_for_the_next_token(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(5, 10.0), clock=clock)  # a token every 2 s
    assert limiter.retry_after("a") == 0
    for _ in range(4):
        limiter.allow("a")
    assert limiter.retry_after("a") == 0  # one token left
    limiter.allow("a")
    assert limiter.retry_after("a") == pytest.approx(2.0)
    clock.now += 1.5
    assert limiter.retry_after("a") == pytest.approx(0.5)
    assert not limiter.allow("a")  # asking does not take a token or push the wait back
    assert limiter.retry_after("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.retry_after("a") == 0 and limiter.allow("a")


def test_keys_whose_bucket_is_full_again_are_forgotten(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(10, 10.0), clock=clock)
    for number in range(1000):
        limiter.allow(f"visitor {number}")
        clock.now += 0.1
    # Every key is full again 1 s after its one message: only the last few are kept.
    assert len(limiter) <= 12
    for _ in range(10):
        limiter.allow("busy")
    clock.now += 11  # all full again: each check forgets two of them, so 20 checks forget all
    for number in range(20):
        limiter.allow(f"later {number}")
    assert len(limiter) == 20


def test_a_flood_of_new_keys_cannot_grow_memory_past_the_cap(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(10, 10.0), clock=clock, max_keys=100)
    for _ in range(10):
        limiter.allow("resident")  # used up: kept while the flood goes on
    for number in range(10_000):
        limiter.allow(f"made-up id {number}")
        assert len(limiter) <= 100
        if number % 50 == 0:
            assert not limiter.allow("resident")  # still limited: recently used, not evicted
    assert "made-up id 9999" in limiter._full_at
    assert "made-up id 0" not in limiter._full_at  # the least recently used went first


def test_new_keys_are_still_allowed_at_the_cap(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(1, 60.0), clock=clock, max_keys=10)
    for number in range(10):
        assert limiter.allow(f"attacker {number}")
    assert limiter.allow("a resident who just arrived")
    assert len(limiter) == 10


def test_max_keys_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_keys"):
        RateLimiter(RateLimit(1, 1.0), max_keys=0)


def test_take_is_none_while_a_token_is_left_then_the_wait_for_the_next(clock: Clock) -> None:
    limiter = RateLimiter(RateLimit(2, 10.0), clock=clock)
    assert [asyncio.run(limiter.take("a")) for _ in range(3)] == [None, None, 5.0]
    assert not limiter.degraded
