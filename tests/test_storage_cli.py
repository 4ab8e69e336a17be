"""``python -m assistant purge``: what it prints and its exit code."""

import argparse
import json
import sqlite3
import time
from pathlib import Path

import pytest

from assistant.storage.cli import EXIT_ERROR, add_purge_command
from assistant.storage.tracker_store import ResilientSQLTrackerStore

DAY = 24 * 3600


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A tracker database with one conversation 100 days old (2 events), one a day old (1)."""
    path = tmp_path / "tracker.db"
    ResilientSQLTrackerStore(db=str(path), retention_days=0).close()
    now = time.time()
    rows = [("old", now - 100 * DAY), ("old", now - 100 * DAY), ("recent", now - DAY)]
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
            [(sender, at, json.dumps({"event": "user", "timestamp": at})) for sender, at in rows],
        )
    return path


@pytest.fixture(autouse=True)
def no_deployment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BSOL_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("BSOL_TRACKER_DB_URL", raising=False)


def purge(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant")
    add_purge_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["purge", *argv])
    return args.handler(args)


def senders(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [sender for (sender,) in connection.execute("SELECT sender_id FROM events")]


def test_it_deletes_what_is_older_than_the_days_given_and_says_how_much(db: Path, capsys):
    assert purge("--db", f"sqlite:///{db}", "--days", "30") == 0

    out = capsys.readouterr().out
    assert out.startswith("Deleted 2 events older than 30 days (stored before 20")
    assert f"from sqlite:///{db}." in out
    assert senders(db) == ["recent"]


def test_without_days_it_uses_the_retention_setting(db: Path, capsys, monkeypatch):
    monkeypatch.setenv("BSOL_RETENTION_DAYS", "365")

    assert purge("--db", f"sqlite:///{db}") == 0

    assert capsys.readouterr().out.startswith("Deleted 0 events older than 365 days")
    assert sorted(senders(db)) == ["old", "old", "recent"]


def test_without_db_it_uses_the_tracker_store_url_from_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("BSOL_TRACKER_DB_URL", f"sqlite:///{db}")

    assert purge("--days", "1") == 0

    assert capsys.readouterr().out.startswith("Deleted 3 events older than 1 day ")
    assert senders(db) == []


def test_zero_days_keeps_everything_and_says_so(db: Path, capsys):
    assert purge("--db", f"sqlite:///{db}", "--days", "0") == 0

    assert "kept for ever. Nothing deleted." in capsys.readouterr().out
    assert len(senders(db)) == 3


def test_a_missing_database_is_an_error_named_on_stderr(tmp_path: Path, capsys):
    missing = tmp_path / "missing.db"

    assert purge("--db", f"sqlite:///{missing}", "--days", "30") == EXIT_ERROR

    captured = capsys.readouterr()
    assert f"No conversation database at {missing}" in captured.err
    assert captured.out == ""


def test_a_wrong_retention_setting_is_an_error_that_names_the_variable(db, capsys, monkeypatch):
    monkeypatch.setenv("BSOL_RETENTION_DAYS", "ninety")

    assert purge("--db", f"sqlite:///{db}") == EXIT_ERROR

    assert "BSOL_RETENTION_DAYS='ninety'" in capsys.readouterr().err
    assert len(senders(db)) == 3


def test_days_must_be_a_whole_number(capsys):
    with pytest.raises(SystemExit) as exit_:
        purge("--days", "-3")

    assert exit_.value.code == 2
    assert "'-3' is not a whole number of days" in capsys.readouterr().err
