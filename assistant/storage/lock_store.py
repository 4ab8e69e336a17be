"""Rasa's Redis lock store, made safe for several servers and for Redis going away.

Several Rasa servers share one Redis so that the messages of one conversation are handled one
at a time, in the order they arrived, whichever server each reached. Compared with Rasa's
``RedisLockStore``:

- a ticket is issued, and given back, in one Redis transaction (``WATCH``/``MULTI``): Rasa's
  read-change-write lets two servers that read the lock at once issue the same ticket, and so
  answer two messages of one conversation at the same time, out of order;
- Redis is called in threads of the lock store's own (Rasa calls it on the event loop, so a
  slow or frozen Redis would stop the server answering anyone), and calls time out after
  :data:`SOCKET_TIMEOUT_SECONDS` (Rasa's default is 10 s);
- when Redis cannot be reached, the server keeps answering with a lock in its own memory
  (messages of a conversation that reach this server stay in order), says so once in the log,
  reports itself degraded (:attr:`ResilientRedisLockStore.degraded`, shown by the REST
  channel's ``/webhooks/rest/``), tries Redis again every few seconds, and says when it is back
  (:class:`~assistant.storage.redis_health.RedisHealth`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from assistant.storage.redis_health import SOCKET_TIMEOUT_SECONDS, RedisHealth

T = TypeVar("T")

# How often a message waiting for its conversation's lock looks again (Rasa's: once a second,
# which would add up to a second to a resident's second message sent quickly).
WAIT_SECONDS = 0.05
DEFAULT_PORT = 6379
# Threads for Redis calls: enough for the messages a server handles at once when Redis is slow.
REDIS_THREADS = 4


class ResilientRedisLockStore(RedisLockStore):
    """Ticket locks in Redis, issued atomically; this server's memory while Redis is away."""

    def __init__(
        self, endpoint_config: EndpointConfig, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Connect (lazily) to the Redis that ``endpoint_config`` names (``url``, ``port``, ...).

        Args:
            endpoint_config: The ``lock_store`` section of ``endpoints.yml``.
            clock: Seconds, for when to try Redis again (tests pass a fake).
        """
        kwargs = dict(endpoint_config.kwargs)
        super().__init__(
            host=endpoint_config.url or "localhost",
            port=int(kwargs.get("port") or DEFAULT_PORT),
            db=int(kwargs.get("db") or 0),
            password=kwargs.get("password") or None,
            key_prefix=kwargs.get("key_prefix"),
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
        )
        self.red.connection_pool.connection_kwargs["socket_connect_timeout"] = (
            SOCKET_TIMEOUT_SECONDS
        )
        self._memory = InMemoryLockStore()
        self._health = RedisHealth(
            "lock store",
            "each server now keeps its own locks, so a conversation's messages stay in order "
            "only on one server",
            clock,
        )
        self._threads = ThreadPoolExecutor(REDIS_THREADS, thread_name_prefix="redis-lock")

    @property
    def degraded(self) -> bool:
        """Whether Redis was unreachable at the last try (locks are then this server's own)."""
        return self._health.degraded

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = WAIT_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock: in Redis, or in memory while Redis is away.

        A message whose ticket came from Redis waits in Redis; if Redis goes away meanwhile,
        it is handled under this server's own lock rather than lost.
        """
        ticket = await self._redis_call(lambda: self.issue_ticket(conversation_id, lock_lifetime))
        held = None
        if ticket is not None:
            try:
                held = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            except redis.RedisError as error:
                self._health.went_away(error)
        if held is None or ticket is None:
            async with self._memory.lock(
                conversation_id, lock_lifetime, wait_time_in_seconds
            ) as own:
                yield own
            return
        try:
            yield held
        finally:
            try:  # even while Redis seems away: a ticket left there would hold the next message
                give_back = self._off_loop(lambda: self._give_back(conversation_id, ticket))
                await asyncio.shield(give_back)  # a request cancelled now still gives it back
            except redis.RedisError as error:
                self._health.went_away(error)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Wait for the ticket's turn, as Rasa's lock store does, with Redis called off the loop."""
        while True:
            lock = await self._off_loop(lambda: self.get_lock(conversation_id))
            if not lock:
                break  # expired meanwhile
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            await self._off_loop(lambda: self.update_lock(conversation_id))
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket of the conversation's lock, in one Redis transaction."""

        def issue(lock: TicketLock) -> int:
            return lock.issue_ticket(lock_lifetime)

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        """Remove the lock's expired tickets (atomically: Rasa's version can drop a ticket)."""

        def remove_expired(lock: TicketLock) -> None:
            lock.remove_expired_tickets()

        self._change(conversation_id, remove_expired)

    def _give_back(self, conversation_id: str, ticket: int) -> None:
        """Remove a served ticket; delete the lock when nobody else holds one (atomically)."""

        def remove(lock: TicketLock) -> None:
            lock.remove_ticket_for(ticket)

        self._change(conversation_id, remove)

    def _change(self, conversation_id: str, change: Callable[[TicketLock], T]) -> T:
        """Read, change and write the conversation's lock with no other writer in between."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = (
                        TicketLock.from_dict(json.loads(raw))
                        if raw
                        else self.create_lock(conversation_id)
                    )
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock meanwhile: read it again

    async def _off_loop(self, call: Callable[[], T]) -> T:
        """``call()`` in one of the lock store's threads, so the event loop never waits on Redis."""
        return await asyncio.get_running_loop().run_in_executor(self._threads, call)

    async def _redis_call(self, call: Callable[[], T]) -> T | None:
        """``call()``, or None when Redis is away (and not yet worth trying again)."""
        if not self._health.worth_trying():
            return None
        try:
            result = await self._off_loop(call)
        except redis.RedisError as error:
            self._health.went_away(error)
            return None
        self._health.answered()
        return result
