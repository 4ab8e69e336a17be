"""The resilient tracker store, on real SQLite files: it never exits, never blocks the event loop,
retries, records what it could not save, and is the store the real server uses."""

import asyncio
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.utils.endpoints import EndpointConfig

from assistant.paths import PROJECT_ROOT
from assistant.storage import outcome
from assistant.storage.tracker_store import ResilientSQLTrackerStore

SECRET_TEXT = "my NHS number is 943 476 5919"
SECRET_METADATA = {"language": "en", "note": "Flat 2, 10 Secret Road"}
DAY = 24 * 3600


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def make_store(db: Path) -> Iterator:
    stores = []

    def make(**options) -> ResilientSQLTrackerStore:
        options = {"retry_delays": (0.01, 0.01, 0.01), "retention_days": 0} | options
        store = ResilientSQLTrackerStore(domain=Domain.empty(), db=str(db), **options)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def stored_events(db: Path, sender_id: str | None = None) -> list[tuple[str, str, str | None]]:
    """(sender id, event type, text) of every stored event, in order."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT sender_id, type_name, data FROM events ORDER BY id")
        events = [(sender, kind, json.loads(data).get("text")) for sender, kind, data in rows]
    return [event for event in events if sender_id in (None, event[0])]


def resident_says(tracker, text: str, reply: str = "An answer") -> None:
    tracker.update(UserUttered(text, metadata=SECRET_METADATA))
    tracker.update(BotUttered(reply))
    tracker.update(ActionExecuted("action_listen"))


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make the database file read-only; as root (whom chmod does not stop) make it immutable."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)]).returncode != 0:
        pytest.skip("running as root, and the database file cannot be made immutable")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def alerts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("assistant.storage") and record.levelno >= logging.ERROR
    ]


def test_rasa_builds_this_store_from_the_projects_endpoints_file(db: Path):
    template = (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(template.replace("${TRACKER_DB}", str(db)))["tracker_store"]

    store = TrackerStore.create(EndpointConfig.from_dict(config))
    try:
        assert isinstance(store, ResilientSQLTrackerStore)
        assert store.engine.url.database == str(db)
    finally:
        store.close()


def test_a_sender_id_that_cannot_be_encoded_is_a_recorded_failure_not_an_exit(make_store, caplog):
    store = FailSafeTrackerStore(make_store())

    async def message() -> outcome.Outcome:
        record = outcome.begin()
        tracker = await store.get_or_create_tracker("\ud800")
        resident_says(tracker, "hi")
        await store.save(tracker)
        return record

    try:
        record = asyncio.run(message())
    except SystemExit:  # what Rasa's own SQLTrackerStore does
        pytest.fail("the tracker store stopped the process")
    assert record.failed
    assert store._fallback_tracker_store is None  # nothing quietly kept in memory
    assert any("UnicodeEncodeError" in alert and "\\ud800" in alert for alert in alerts(caplog))


def test_saving_straight_away_for_an_unencodable_sender_id_is_a_recorded_failure(make_store, db):
    store = make_store()

    async def message() -> outcome.Outcome:
        record = outcome.begin()
        tracker = store.init_tracker("\udfff")
        resident_says(tracker, "hi")
        await store.save(tracker)
        return record

    assert asyncio.run(message()).failed
    assert stored_events(db) == []


def test_a_read_only_database_is_retried_then_recorded_and_nothing_is_kept_in_memory(
    make_store, db, caplog
):
    store = make_store(retry_delays=(0.01, 0.01, 0.01))
    failsafe = FailSafeTrackerStore(store)

    async def conversation() -> tuple[outcome.Outcome, outcome.Outcome]:
        first = outcome.begin()
        tracker = await failsafe.get_or_create_tracker("resident")
        resident_says(tracker, "hello")
        await failsafe.save(tracker)
        with read_only(db):
            second = outcome.begin()
            tracker = await failsafe.retrieve("resident")
            resident_says(tracker, SECRET_TEXT)
            await failsafe.save(tracker)
        return first, second

    caplog.set_level(logging.DEBUG, logger="assistant.storage")
    first, second = asyncio.run(conversation())

    assert not first.failed
    assert second.failed
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retries) == 3  # four attempts in all
    (alert,) = alerts(caplog)
    assert "save" in alert and "'resident'" in alert and "OperationalError" in alert
    assert "readonly" in alert
    everything_logged = caplog.text
    assert SECRET_TEXT not in everything_logged and "Secret Road" not in everything_logged
    assert failsafe._fallback_tracker_store is None
    assert [text for _, _, text in stored_events(db)].count("hello") == 1
    assert SECRET_TEXT not in [text for _, _, text in stored_events(db)]


def test_once_the_database_is_writable_again_the_next_save_stores_everything(make_store, db):
    store = make_store()

    async def conversation() -> list[outcome.Outcome]:
        records = [outcome.begin()]
        tracker = await store.get_or_create_tracker("resident")
        resident_says(tracker, "first")
        await store.save(tracker)
        with read_only(db):
            records.append(outcome.begin())
            resident_says(tracker, "second")
            await store.save(tracker)
        records.append(outcome.begin())
        resident_says(tracker, "third")
        await store.save(tracker)
        return records

    first, second, third = asyncio.run(conversation())

    assert [first.failed, second.failed, third.failed] == [False, True, False]
    texts = [text for _, kind, text in stored_events(db) if kind == "user"]
    assert texts == ["first", "second", "third"]
    reread = asyncio.run(make_store().retrieve("resident"))
    assert [e.text for e in reread.events if isinstance(e, UserUttered)] == texts


def test_the_event_loop_keeps_running_while_another_connection_holds_the_write_lock(make_store, db):
    # One attempt that waits inside SQLite for the lock: were it on the loop, nothing would tick.
    store = make_store(busy_timeout_seconds=5, retry_delays=())
    asyncio.run(_save_one(store, "other", "another resident's message"))
    blocker = sqlite3.connect(db, isolation_level=None)

    async def scenario() -> tuple[bool, bool, outcome.Outcome]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.02)

        ticking = asyncio.create_task(ticker())
        record = outcome.begin()
        tracker = await store.get_or_create_tracker("resident")
        resident_says(tracker, "hello")
        blocker.execute("BEGIN IMMEDIATE")  # the write lock, held until the commit below
        saving = asyncio.create_task(store.save(tracker))
        start = ticks
        while ticks - start < 100:  # about two seconds of the loop running other work
            await asyncio.sleep(0.02)
        other = await store.retrieve("other")  # reading is not held up by the writer
        pending = not saving.done()
        blocker.execute("COMMIT")
        await saving
        ticking.cancel()
        return pending, other is not None, record

    try:
        save_was_pending, other_was_read, record = asyncio.run(scenario())
    finally:
        blocker.close()

    assert save_was_pending  # the loop went on for 100 ticks while the save waited
    assert other_was_read
    assert not record.failed
    assert ("resident", "user", "hello") in stored_events(db)


def test_sqlite_is_in_wal_mode_with_a_short_busy_timeout(make_store, db):
    store = make_store(busy_timeout_seconds=0.5)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 500


def test_a_conversation_that_cannot_be_read_is_not_overwritten_by_a_made_up_one(make_store, db):
    store = make_store()
    asyncio.run(_save_one(store, "resident", "what I said before"))
    before = stored_events(db)

    async def message_while_unreadable() -> outcome.Outcome:
        record = outcome.begin()
        tracker = await store.get_or_create_tracker("resident")  # the read fails: a new one
        for text in ("new message", "and another", "and one more"):
            resident_says(tracker, text)  # longer than the stored conversation
        await store.save(tracker)
        return record

    with _one_event_unreadable(db):
        record = asyncio.run(message_while_unreadable())

    assert record.failed
    assert record.failures[0] == outcome.RETRIEVE
    assert stored_events(db) == before
    asyncio.run(_save_one(store, "resident", "once it can be read again"))
    texts = [text for _, kind, text in stored_events(db) if kind == "user"]
    assert texts == ["what I said before", "once it can be read again"]


@contextmanager
def _one_event_unreadable(db: Path) -> Iterator[None]:
    with sqlite3.connect(db) as connection:
        (row_id, data), *_ = connection.execute("SELECT id, data FROM events WHERE type_name='bot'")
        connection.execute("UPDATE events SET data = '{not json' WHERE id = ?", (row_id,))
    try:
        yield
    finally:
        with sqlite3.connect(db) as connection:
            connection.execute("UPDATE events SET data = ? WHERE id = ?", (data, row_id))


def test_the_store_deletes_what_is_older_than_the_retention_period_when_it_starts(make_store, db):
    now = time.time()
    asyncio.run(_save_one(make_store(), "old", "long ago", at=now - 100 * DAY))
    asyncio.run(_save_one(make_store(), "recent", "yesterday", at=now - DAY))

    make_store(retention_days=90)

    assert {sender for sender, _, _ in stored_events(db)} == {"recent"}


def test_the_store_deletes_old_conversations_again_a_day_later(make_store, db):
    clock = [time.time()]
    store = make_store(retention_days=90, clock=lambda: clock[0])
    asyncio.run(_save_one(store, "old", "long ago", at=clock[0] - 89.5 * DAY))

    clock[0] += DAY  # now more than 90 days old

    async def next_message() -> int:
        await _save_one(store, "recent", "today", at=clock[0])
        assert store.purge_task is not None
        return await store.purge_task

    assert asyncio.run(next_message()) > 0
    assert {sender for sender, _, _ in stored_events(db)} == {"recent"}


async def _save_one(store, sender_id: str, text: str, at: float | None = None) -> None:
    """Save a message in the conversation; with ``at``, a new conversation held at that time."""
    if at is None:
        tracker = await store.get_or_create_tracker(sender_id)
        resident_says(tracker, text)
    else:
        tracker = store.init_tracker(sender_id)
        for event in (ActionExecuted("action_listen"), UserUttered(text), BotUttered("Hi")):
            event.timestamp = at
            tracker.update(event)
    await store.save(tracker)


@pytest.mark.server
def test_the_real_server_keeps_conversations_in_its_sqlite_file_with_this_store(stack, ask):
    (reply, *_) = ask("What is the ICS?")

    kinds = [kind for _, kind, _ in stored_events(stack.tracker_db, reply["recipient_id"])]
    assert "user" in kinds and "bot" in kinds
    with sqlite3.connect(stack.tracker_db) as connection:  # Rasa's own store leaves it "delete"
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
