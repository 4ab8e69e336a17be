"""Read what residents said, and what answered them, from Rasa's SQL tracker store.

Rasa's ``SQLTrackerStore`` keeps every event in one ``events`` table (id, sender_id, type_name,
timestamp, intent_name, action_name, data: the event as JSON). This reads it with SQLAlchemy
Core, read-only, without importing Rasa. Conversation ids are used to keep each conversation's
events together and are never returned.
"""

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from assistant.paths import VAR_DIR

DB_URL_ENV = "BSOL_TRACKER_DB_URL"
LISTEN = "action_listen"
CONNECT_TIMEOUT_SECONDS = 10

EVENTS = sa.table(
    "events",
    sa.column("id"),
    sa.column("sender_id"),
    sa.column("type_name"),
    sa.column("timestamp"),
    sa.column("action_name"),
    sa.column("data"),
)


class TrackerDbError(RuntimeError):
    """The conversations cannot be read; the message says why, in one line."""


@dataclass(frozen=True)
class UserTurn:
    """One message a resident sent, and the actions the assistant ran in reply.

    Attributes:
        text: The text the NLU read (English when the edge translated it).
        metadata: The message's metadata (``language``, ``original_text``, ...).
        intent: The intent the NLU chose, if any.
        confidence: The intent's confidence, if known.
        timestamp: When it was sent (seconds since the epoch).
        actions: The actions run in reply, in order (``action_listen`` left out).
    """

    text: str
    metadata: dict[str, Any]
    intent: str | None
    confidence: float | None
    timestamp: float
    actions: tuple[str, ...] = ()


def default_db_url() -> str:
    """The tracker store's URL: ``$BSOL_TRACKER_DB_URL``, else the SQLite file in ``var/``."""
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{VAR_DIR / 'rasa.db'}"


def read_user_turns(url: str, since: float) -> list[UserTurn]:
    """Every resident message sent at or after ``since``, each with the actions that answered it.

    Args:
        url: An SQLAlchemy URL (``sqlite:///path`` or ``postgresql://user:password@host/db``).
        since: The earliest time to read (seconds since the epoch).

    Returns:
        The messages, conversation by conversation, each conversation in order.

    Raises:
        TrackerDbError: If the URL is wrong or the database is missing or cannot be read.
    """
    parsed = parse_url(url)
    engine = open_engine(parsed)
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.action_name, EVENTS.c.data)
        .where(EVENTS.c.type_name.in_(("user", "action")), EVENTS.c.timestamp >= since)
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    )
    try:
        with engine.connect() as connection:
            rows = connection.execution_options(stream_results=True).execute(query)
            return list(_turns(rows))
    except sa.exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        where = _shown(parsed)
        raise TrackerDbError(f"Could not read the conversations in {where}: {reason}") from None
    finally:
        engine.dispose()


def parse_url(url: str) -> URL:
    """``url`` as SQLAlchemy reads it.

    Raises:
        TrackerDbError: If it is not a database URL.
    """
    try:
        return make_url(url)
    except sa.exc.ArgumentError:
        raise TrackerDbError(
            "Not a database URL: give one like sqlite:///var/rasa.db or postgresql://user@host/db"
        ) from None


def open_engine(url: URL) -> Engine:
    """An engine for ``url``; an SQLite file is opened read-only and must exist."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or not Path(url.database).is_file():
            raise TrackerDbError(f"No conversation database at {url.database or _shown(url)}")
        uri = f"{Path(url.database).resolve().as_uri()}?mode=ro"
        return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    timeout = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if backend == "postgresql" else {}
    try:
        return sa.create_engine(url, connect_args=timeout)
    except (sa.exc.NoSuchModuleError, ImportError):
        raise TrackerDbError(f"Cannot read {url.drivername} databases: no driver for it") from None


def _turns(rows: Iterable[Any]) -> Iterator[UserTurn]:
    """Group each conversation's events into user turns: a message and the actions after it."""
    sender = None
    turn: UserTurn | None = None
    actions: list[str] = []
    for row in rows:
        if row.sender_id != sender:
            if turn is not None:
                yield replace(turn, actions=tuple(actions))
            sender, turn, actions = row.sender_id, None, []
        if row.type_name == "user":
            if turn is not None:
                yield replace(turn, actions=tuple(actions))
            turn, actions = _user_turn(row.data), []
        elif turn is not None and row.action_name and row.action_name != LISTEN:
            actions.append(row.action_name)
    if turn is not None:
        yield replace(turn, actions=tuple(actions))


def _user_turn(data: str | None) -> UserTurn:
    """A user turn from a ``user`` event's JSON."""
    try:
        event = json.loads(data or "{}")
    except ValueError:
        event = {}
    intent = (event.get("parse_data") or {}).get("intent") or {}
    confidence = intent.get("confidence")
    return UserTurn(
        text=event.get("text") or "",
        metadata=event.get("metadata") or {},
        intent=intent.get("name"),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        timestamp=float(event.get("timestamp") or 0.0),
    )


def _shown(url: URL) -> str:
    """The URL without its password, fit to print."""
    return url.render_as_string(hide_password=True)
