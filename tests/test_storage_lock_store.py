"""The Redis lock store on a real Redis: atomic tickets across servers, degraded without Redis."""

import asyncio
import concurrent.futures

from rasa.utils.endpoints import EndpointConfig

from assistant.storage.lock_store import ResilientRedisLockStore
from assistant.storage.redis_health import RETRY_SECONDS
from tests.helpers import Clock, OtherTask, frozen


def store(port: int, clock: Clock | None = None) -> ResilientRedisLockStore:
    config = EndpointConfig(url="127.0.0.1", port=port, db=0, key_prefix="test")
    return ResilientRedisLockStore(config, clock or Clock())


def test_two_servers_issuing_tickets_at_once_never_get_the_same_one(redis_server):
    servers = [store(redis_server.port), store(redis_server.port)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(lambda i: servers[i % 2].issue_ticket("c1"), range(200)))
    assert sorted(tickets) == list(range(200))
    assert servers[0].get_lock("c1").last_issued == 199


def test_a_conversation_is_held_by_one_server_at_a_time_in_ticket_order(redis_server):
    first, second = store(redis_server.port), store(redis_server.port)
    order: list[str] = []

    async def handle(server: ResilientRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with server.lock("c2", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(handle(first, "a", 0), handle(second, "b", 0.05))

    asyncio.run(both())
    assert order == ["a in", "a out", "b in", "b out"]
    assert first.get_lock("c2") is None  # given back: nothing left in Redis


def test_without_redis_it_answers_on_its_own_lock_says_degraded_and_recovers(redis_server):
    clock = Clock()
    server = store(redis_server.port, clock)
    redis_server.stop()

    async def hold() -> bool:
        async with server.lock("c3"):
            return True

    assert asyncio.run(hold())
    assert server.degraded
    redis_server.start()
    assert asyncio.run(hold()) and server.degraded  # not tried again before RETRY_SECONDS
    clock.now += RETRY_SECONDS
    assert asyncio.run(hold())
    assert not server.degraded


def test_a_frozen_redis_does_not_hold_the_event_loop_while_a_message_waits_for_it(redis_server):
    server = store(redis_server.port)
    server.get_lock("c4")  # connected before Redis freezes

    async def message_while_redis_is_frozen() -> int:
        async with OtherTask() as other:
            async with server.lock("c4"):  # Redis times out; answered on the server's own lock
                return other.turns

    with frozen(redis_server):
        assert asyncio.run(message_while_redis_is_frozen()) > 1
    assert server.degraded
