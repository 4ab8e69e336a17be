"""Rasa's SQL tracker store, made to survive database trouble without freezing or stopping.

``endpoints.yml`` names :class:`ResilientSQLTrackerStore`. Compared with Rasa's
``SQLTrackerStore`` it:

- never exits the process: a database error becomes a :class:`StorageError` (Rasa's
  ``session_scope`` turns any ``ValueError``, such as a sender id that cannot be encoded, into
  ``sys.exit``);
- runs every database call in its own worker threads, so the event loop keeps serving other
  residents while the database is slow or locked;
- uses WAL and a short busy time-out on SQLite (readers never wait for a writer);
- retries a failed read or save a few times with a short back-off, then logs one alert that names
  the failure (exception class and conversation id, never message text or metadata), records it
  in the message's :mod:`~assistant.storage.outcome` so the resident is told, and returns
  without raising, so Rasa's ``FailSafeTrackerStore`` does not quietly keep the conversation in
  memory instead;
- deletes conversations older than the retention setting at start-up and once a day.

It works on any database Rasa's store does (the dialect comes from ``endpoints.yml``); only the
SQLite pragmas are SQLite's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, ensure_schema_exists
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import Session

from assistant.settings import load_settings
from assistant.storage import outcome, retention

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_DELAYS_SECONDS = (0.2, 0.5, 1.0)  # four attempts, at most a few seconds in all
BUSY_TIMEOUT_SECONDS = 1.0  # how long one SQLite attempt waits for another writer
WORKERS = 8
PURGE_INTERVAL_SECONDS = retention.DAY_SECONDS
MAX_UNREAD = 10_000  # conversations remembered as unreadable (see ``_unread``)
SHOWN_ID_CHARS = 128
# Failures that may pass: a locked, unreachable, read-only or full database.
TRANSIENT = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.DisconnectionError,
    sa.exc.TimeoutError,
    OSError,
)


class StorageError(RuntimeError):
    """A tracker-store operation failed; the message names the failure, never the data.

    Attributes:
        transient: Whether trying again may help (a locked or unreachable database).
    """

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def describe(error: BaseException) -> str:
    """The failure in a few words: exception classes, and a database's own one-line reason.

    SQLAlchemy's messages include the SQL and its parameters (a resident's message, its
    metadata), so only the driver's first line is kept, and only for operational errors (a
    locked, read-only or unreachable database), whose reasons carry no data.
    """
    if isinstance(error, StorageError):
        return str(error)
    name = type(error).__name__
    cause = getattr(error, "orig", None)
    if cause is None:
        return name
    detail = f"{type(cause).__module__}.{type(cause).__name__}"
    if isinstance(error, sa.exc.OperationalError):
        lines = str(cause).strip().splitlines()
        detail += f": {lines[0][:200]}" if lines else ""
    return f"{name} ({detail})"


def as_storage_error(error: Exception) -> StorageError:
    """``error`` as a :class:`StorageError` (itself if it is one)."""
    if isinstance(error, StorageError):
        return error
    return StorageError(describe(error), isinstance(error, TRANSIENT))


def shown_id(sender_id: object) -> str:
    """A conversation id fit for a log line: quoted, escaped, at most 128 characters."""
    return ascii(str(sender_id)[:SHOWN_ID_CHARS])


def _conversation(sender_id: object) -> str:
    return f"conversation {shown_id(sender_id)}"


class ResilientSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store that works off the event loop, retries, and never stops the server.

    Rasa constructs it from ``endpoints.yml`` with ``host``, ``domain``, ``event_broker`` and the
    file's other keys (``dialect``, ``db``, ...), as for ``SQLTrackerStore``.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: EventBroker | None = None,
        login_db: str | None = None,
        query: dict | None = None,
        *,
        retry_delays: Sequence[float] = RETRY_DELAYS_SECONDS,
        busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS,
        workers: int = WORKERS,
        retention_days: int | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        """Connect, prepare the database and delete what is older than the retention period.

        Args:
            domain: The assistant's domain (Rasa sets it later too).
            dialect: The SQLAlchemy dialect, ``sqlite`` or ``postgresql``.
            host: The database host, or a whole SQLAlchemy URL.
            port: The database port.
            db: The database name, or the SQLite file.
            username: The database user.
            password: The user's password.
            event_broker: Where Rasa publishes events, if anywhere.
            login_db: A database to log in to first and create ``db`` from (PostgreSQL).
            query: Options for the driver.
            retry_delays: The pauses between attempts (seconds); one attempt more than pauses.
            busy_timeout_seconds: How long one SQLite attempt waits for another writer.
            workers: How many database calls may run at once.
            retention_days: Delete events older than this; None: the retention setting
                (``BSOL_RETENTION_DAYS``); 0 keeps them for ever.
            clock: The time now (tests).
            kwargs: Other keys from ``endpoints.yml``, passed on to Rasa's store.

        Raises:
            StorageError: If the store cannot be built (rather than an ``AttributeError`` or
                ``ImportError``, which Rasa would swallow, silently using an in-memory store).
        """
        try:
            super().__init__(
                domain, dialect, host, port, db, username, password, event_broker, login_db,
                query, **kwargs,
            )  # fmt: skip
            self._retry_delays = tuple(float(delay) for delay in retry_delays)
            self._busy_timeout_ms = int(busy_timeout_seconds * 1000)
            self._executor = ThreadPoolExecutor(workers, thread_name_prefix="tracker-store")
            self._retention_days = (
                load_settings().retention_days if retention_days is None else retention_days
            )
            self._clock = clock
            self._next_purge = clock() + PURGE_INTERVAL_SECONDS
            # Conversations whose last read failed: saving the tracker Rasa then makes up would
            # mix a new conversation into the stored one, so their saves are refused until a
            # read succeeds.
            self._unread: dict[str, None] = {}
            self.purge_task: asyncio.Future[int] | None = None
            if self.engine.dialect.name == "sqlite":
                self._prepare_sqlite()
            self._purge_expired()
        except (AttributeError, ImportError) as error:
            raise StorageError(f"The tracker store could not start: {error!r}", False) from error

    def close(self) -> None:
        """Stop the worker threads and close the database connections."""
        self._executor.shutdown(wait=True)
        self.engine.dispose()

    @contextlib.contextmanager
    def session_scope(self) -> Generator[Session, None, None]:
        """A database session; any error in it becomes a :class:`StorageError`, never an exit."""
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as missing:  # Rasa exits here
                raise StorageError(f"PostgreSQL schema {missing} does not exist", False) from None
            yield session
        except StorageError:
            raise
        except Exception as error:
            raise as_storage_error(error) from error
        finally:
            session.close()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session; None if it is new or could not be read."""
        return await self._read(sender_id, all_sessions=False)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """The conversation with all its sessions; None if it is new or could not be read."""
        return await self._read(conversation_id, all_sessions=True)

    async def keys(self) -> Iterable[str]:
        """Every stored conversation id; none if they could not be read."""
        try:
            return await self._attempt("list", "the conversation ids", self._keys_now)
        except StorageError:
            return []

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events; on failure record it and return (never raise)."""
        sender_id = tracker.sender_id
        if sender_id in self._unread:
            logger.debug("Not saving conversation %s: it could not be read", shown_id(sender_id))
            outcome.record_failure(outcome.SAVE)
            return
        await self.stream_events(tracker)
        try:
            save = functools.partial(self._save_now, tracker)
            await self._attempt(outcome.SAVE, _conversation(sender_id), save)
        except StorageError:
            outcome.record_failure(outcome.SAVE)
            return
        self._schedule_purge()

    async def purge_expired(self) -> int:
        """Delete what is older than the retention period, off the event loop; how many events."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._purge_expired)

    async def _read(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        read = functools.partial(self._retrieve_now, sender_id, all_sessions)
        try:
            tracker = await self._attempt(outcome.RETRIEVE, _conversation(sender_id), read)
        except StorageError:
            outcome.record_failure(outcome.RETRIEVE)
            if len(self._unread) >= MAX_UNREAD:
                self._unread.pop(next(iter(self._unread)))
            self._unread[sender_id] = None
            return None
        self._unread.pop(sender_id, None)
        return tracker

    async def _attempt(self, operation: str, target: str, call: Callable[[], T]) -> T:
        """Run ``call`` in a worker thread, retrying transient failures; alert on the last one.

        Raises:
            StorageError: If the last attempt failed.
        """
        loop = asyncio.get_running_loop()
        for attempt, delay in enumerate((*self._retry_delays, None), start=1):
            try:
                return await loop.run_in_executor(self._executor, call)
            except Exception as error:
                failure = as_storage_error(error)
                if delay is None or not failure.transient:
                    logger.error(
                        "Tracker store alert: could not %s %s (%d attempt%s): %s",
                        operation, target, attempt, "" if attempt == 1 else "s",
                        failure,
                    )  # fmt: skip
                    raise failure from None
                logger.debug(
                    "Tracker store: could not %s %s, trying again: %s",
                    operation, target, failure,
                )  # fmt: skip
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _retrieve_now(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        """Read the conversation (in a worker thread), as Rasa's ``_retrieve`` does."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, all_sessions)
            events = [json.loads(row.data) for row in query.all()]
            if not self.domain or not events:
                return None
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _save_now(self, tracker: DialogueStateTracker) -> None:
        """Store the events not stored yet (in a worker thread), as Rasa's ``save`` does."""
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent,
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

    def _keys_now(self) -> list[str]:
        with self.session_scope() as session:
            rows = session.query(self.SQLEvent.sender_id).distinct().all()
            return [sender_id for (sender_id,) in rows]

    def _prepare_sqlite(self) -> None:
        """WAL (readers never wait for a writer), a short busy time-out, incremental vacuum."""

        def on_connect(connection: Any, _record: Any) -> None:
            connection.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")

        sa.event.listen(self.engine, "connect", on_connect)
        try:
            with self.engine.connect() as connection:
                mode = connection.exec_driver_sql("PRAGMA journal_mode = WAL").scalar()
            retention.make_incremental(self.engine)
        except Exception as error:  # a read-only file: the server still answers, and says so
            logger.error("Tracker store alert: could not prepare SQLite: %s", describe(error))
            return
        if str(mode).lower() != "wal":
            logger.warning("Tracker store: SQLite would not use WAL (journal mode %s)", mode)

    def _schedule_purge(self) -> None:
        """Start the daily purge, off the loop and without waiting for it, when it is due."""
        if not self._retention_days or self._clock() < self._next_purge:
            return
        self._next_purge = self._clock() + PURGE_INTERVAL_SECONDS
        self.purge_task = asyncio.ensure_future(self.purge_expired())

    def _purge_expired(self) -> int:
        """Delete events older than the retention period; log and go on if it cannot."""
        if not self._retention_days:
            return 0
        try:
            deleted = retention.purge_events(self.engine, self._retention_days, self._clock())
            if deleted:
                retention.reclaim_space(self.engine)
        except Exception as error:
            logger.error(
                "Tracker store alert: could not delete conversations older than %d days: %s",
                self._retention_days, describe(error),
            )  # fmt: skip
            return 0
        if deleted:
            logger.info(
                "Tracker store: deleted %d events older than %d days",
                deleted, self._retention_days,
            )  # fmt: skip
        return deleted
