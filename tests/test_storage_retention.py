"""Deleting stored conversations older than the retention period, on real SQLite files."""

import json
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from assistant.reports.tracker_events import TrackerDbError
from assistant.storage import retention
from assistant.storage.tracker_store import ResilientSQLTrackerStore

DAY = 24 * 3600
NOW = time.time()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An empty tracker database, its tables made by the store (which is then closed)."""
    path = tmp_path / "tracker.db"
    ResilientSQLTrackerStore(db=str(path), retention_days=0).close()
    return path


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def add_conversation(db: Path, sender_id: str, days_ago: list[float], size: int = 0) -> None:
    """A conversation with one resident message (and ``size`` characters of metadata) per day."""
    rows = []
    for days in days_ago:
        at = NOW - days * DAY
        metadata = {"language": "en", "padding": "x" * size}
        for event in (UserUttered("hello", metadata=metadata), BotUttered("Hi"),
                      ActionExecuted("action_listen")):  # fmt: skip
            event.timestamp = at
            rows.append((sender_id, event.type_name, at, json.dumps(event.as_dict())))
    with sqlite3.connect(db) as connection:
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", rows
        )


def stored(db: Path) -> dict[str, list[float]]:
    """Each conversation's event ages in days."""
    conversations: dict[str, list[float]] = {}
    with sqlite3.connect(db) as connection:
        for sender_id, timestamp in connection.execute("SELECT sender_id, timestamp FROM events"):
            conversations.setdefault(sender_id, []).append(round((NOW - timestamp) / DAY))
    return conversations


def test_only_events_older_than_the_period_are_deleted(db: Path):
    add_conversation(db, "old", [120, 100])
    add_conversation(db, "spanning", [95, 10])
    add_conversation(db, "recent", [1])

    deleted = retention.purge(url(db), 90, now=NOW)

    assert deleted == 3 * 3
    assert stored(db) == {"spanning": [10, 10, 10], "recent": [1, 1, 1]}


def test_a_period_of_zero_days_keeps_everything(db: Path):
    add_conversation(db, "old", [4000])

    assert retention.purge(url(db), 0, now=NOW) == 0
    assert stored(db) == {"old": [4000] * 3}


def test_more_events_than_one_batch_are_all_deleted(db: Path):
    add_conversation(db, "long", [100] * (retention.BATCH_ROWS // 3 + 5) + [1])

    deleted = retention.purge(url(db), 90, now=NOW)

    assert deleted == 3 * (retention.BATCH_ROWS // 3 + 5)
    assert stored(db) == {"long": [1, 1, 1]}


def test_the_space_of_deleted_conversations_is_given_back(db: Path):
    add_conversation(db, "old", [100] * 300, size=5000)
    add_conversation(db, "recent", [1])
    full = db.stat().st_size

    retention.purge(url(db), 90, now=NOW)

    assert db.stat().st_size < full / 10
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_a_database_the_store_never_opened_is_vacuumed_whole(tmp_path: Path):
    path = tmp_path / "legacy.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
            "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
    add_conversation(path, "old", [100] * 300, size=5000)
    full = path.stat().st_size

    assert retention.purge(url(path), 90, now=NOW) == 900

    assert path.stat().st_size < full / 10


def test_a_missing_database_file_is_an_error_and_is_not_created(tmp_path: Path):
    missing = tmp_path / "nowhere.db"

    with pytest.raises(TrackerDbError, match="No conversation database at .*nowhere.db"):
        retention.purge(url(missing), 90)
    assert not missing.exists()


def test_a_wrong_url_is_an_error_that_says_what_a_url_looks_like():
    with pytest.raises(TrackerDbError, match="Not a database URL"):
        retention.purge("var/rasa.db", 90)


def test_a_database_without_conversations_table_is_an_error_that_says_why(tmp_path: Path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).close()

    with pytest.raises(TrackerDbError, match="no such table: events"):
        retention.purge(url(path), 90)
