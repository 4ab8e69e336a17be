"""Delete stored conversations once they are older than the retention period.

Every event Rasa stores is a row of the tracker store's ``events`` table with a timestamp; this
deletes the rows older than the period, in small batches so the server's own writes are never
held up for long, and then gives the space back to the file system (SQLite). A conversation
whose events are all older goes with them. The tracker store runs it at start-up and once a day;
``python -m assistant purge`` (``make purge``) runs it by hand.
"""

import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assistant.reports import tracker_events
from assistant.reports.tracker_events import EVENTS, TrackerDbError

DAY_SECONDS = 24 * 3600
BATCH_ROWS = 2000
INCREMENTAL = 2  # SQLite's PRAGMA auto_vacuum value for "incremental"
# How long the command waits for the server's writes to finish before one batch gives up.
BUSY_TIMEOUT_SECONDS = 10.0


def cutoff(days: int, now: float | None = None) -> float:
    """The time (seconds since the epoch) before which events are older than ``days``."""
    return (time.time() if now is None else now) - days * DAY_SECONDS


def purge(url: str, days: int, now: float | None = None) -> int:
    """Delete the events older than ``days`` from the tracker database at ``url``.

    Args:
        url: An SQLAlchemy URL (``sqlite:///path`` or ``postgresql://user@host/db``), as
            :func:`assistant.reports.tracker_events.default_db_url` gives it.
        days: The retention period; 0 keeps everything.
        now: The current time (tests); the clock's when None.

    Returns:
        How many events were deleted.

    Raises:
        TrackerDbError: If the URL is wrong or the database is missing or cannot be changed.
    """
    engine = _engine(url)
    try:
        deleted = purge_events(engine, days, now)
        if deleted:
            reclaim_space(engine)
        return deleted
    except (sa.exc.DBAPIError, sqlite3.Error) as error:
        cause = getattr(error, "orig", None) or error
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        where = engine.url.render_as_string(hide_password=True)
        raise TrackerDbError(f"Could not delete old conversations in {where}: {reason}") from None
    finally:
        engine.dispose()


def purge_events(engine: Engine, days: int, now: float | None = None) -> int:
    """Delete the events older than ``days`` through ``engine``; how many were deleted.

    Raises:
        sqlalchemy.exc.DBAPIError: If the database cannot be read or changed.
    """
    if days <= 0:
        return 0
    before = cutoff(days, now)
    old = EVENTS.alias("old")
    batch = sa.select(old.c.id).where(old.c.timestamp < before).limit(BATCH_ROWS)
    statement = EVENTS.delete().where(EVENTS.c.id.in_(batch.scalar_subquery()))
    deleted = 0
    while True:
        with engine.begin() as connection:
            count = connection.execute(statement).rowcount
        deleted += max(count, 0)
        if count < BATCH_ROWS:
            return deleted


def reclaim_space(engine: Engine) -> None:
    """Give the space of deleted rows back to the file system (SQLite; others do it themselves).

    An incrementally vacuumed database (the tracker store makes it so) frees its empty pages
    quickly; any other is vacuumed whole, and made incremental on the way.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        database = raw.dbapi_connection
        mode = database.execute("PRAGMA auto_vacuum").fetchone()[0]
        if mode == INCREMENTAL:  # executescript runs the pragma to the end, execute does not
            database.executescript("PRAGMA incremental_vacuum;")
        else:
            database.executescript(f"PRAGMA auto_vacuum = {INCREMENTAL}; VACUUM;")
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


def make_incremental(engine: Engine) -> None:
    """Make an SQLite database free deleted space incrementally (a one-time VACUUM if not yet).

    Done at start-up, so that no later purge needs a whole VACUUM while residents are served.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        database = raw.dbapi_connection
        if database.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
            database.executescript(f"PRAGMA auto_vacuum = {INCREMENTAL}; VACUUM;")
    finally:
        raw.close()


def _engine(url: str) -> Engine:
    """An engine that may change the database at ``url``; an SQLite file must already exist.

    Other databases are opened as the reports open them (``tracker_events``); an SQLite file is
    opened writable here, where the reports open it read-only.
    """
    parsed = tracker_events.parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return tracker_events.open_engine(parsed)
    if not parsed.database or not Path(parsed.database).is_file():
        raise TrackerDbError(f"No conversation database at {parsed.database or url}")
    return sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
