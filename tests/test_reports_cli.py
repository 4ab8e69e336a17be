"""``python -m assistant report unanswered``: periods, errors and the text and Markdown formats.

A few tests run the real command line; the others call ``main`` in this process (faster).
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.__main__ import main
from assistant.paths import PROJECT_ROOT
from assistant.reports.cli import Period, parse_period
from assistant.reports.tracker_events import DB_URL_ENV

NOW = time.time()
DAY = 86400.0
SENDERS = ("resident-7f3a9c", "resident-0b12de", "resident-e4c811")
# Rasa's SQLTrackerStore table, as it creates it.
SCHEMA = """
CREATE TABLE events (
    id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT,
    PRIMARY KEY (id)
)
"""


def user(text: str, intent: str, confidence: float, at: float, **metadata: str) -> tuple:
    parse = {"intent": {"name": intent, "confidence": confidence}, "text": text}
    event = {"event": "user", "timestamp": at, "text": text, "parse_data": parse}
    event["metadata"] = {"language": "en", **metadata}
    return ("user", at, intent, None, json.dumps(event))


def action(name: str, at: float) -> tuple:
    event = {"event": "action", "timestamp": at, "name": name}
    return ("action", at, None, name, json.dumps(event))


def answered(text: str, at: float) -> list[tuple]:
    return [
        user(text, "faq", 0.97, at),
        action("action_answer_faq", at),
        action("action_listen", at),
    ]


def not_sure(text: str, at: float, **metadata: str) -> list[tuple]:
    return [
        user(text, "nlu_fallback", 0.6, at, **metadata),
        action("utter_not_sure", at),
        action("action_listen", at),
    ]


def write_tracker_db(path: Path, conversations: dict[str, list[tuple]]) -> Path:
    """A tracker store with these events, interleaved across conversations as in real life."""
    rows = [(sender, *event) for sender, events in conversations.items() for event in events]
    rows.sort(key=lambda row: row[2])  # by time, as Rasa writes them
    with sqlite3.connect(path) as db:
        db.execute(SCHEMA)
        db.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    db.close()
    return path


@pytest.fixture
def tracker_db(tmp_path: Path) -> Path:
    first, second, third = SENDERS
    return write_tracker_db(
        tmp_path / "rasa.db",
        {
            first: [
                *not_sure("can you fix my boiler? my name is John Smith", NOW - 3600),
                *answered('/faq{"entry":"icb_what_is"}', NOW - 3500),  # a button: never counted
                *answered("who chairs the ICS?", NOW - 3400),
            ],
            second: [
                user("my boiler is broken, call me on 07700 900123", "out_of_scope", 0.9, NOW - 60),
                action("utter_out_of_scope", NOW - 60),
                *not_sure(
                    "my boiler is broken",
                    NOW - 50,
                    language="pl",
                    original_text="mój bojler jest zepsuty",
                ),  # fmt: skip
                # Answered with a faq, but less sure than the threshold.
                user("is there a bus to the hospital", "faq", 0.41, NOW - 40),
                action("action_answer_faq", NOW - 40),
            ],
            third: [
                *not_sure("where do I park at the QE hospital", NOW - 10 * DAY),
                *not_sure("I live at B15 2TT, can you fix my boiler", NOW - 35),
                # The action found no entry and said it was not sure.
                user("what does the QE do about parking", "faq", 0.9, NOW - 30),
                action("action_answer_faq", NOW - 30),
                action("utter_not_sure", NOW - 30),
            ],
        },
    )


def report(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "report", "unanswered", *args],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def run(*args: str) -> int:
    """The command's exit code, run in this process (its output is left for ``capsys``)."""
    try:
        return main(["report", "unanswered", *args])
    except SystemExit as exit:  # argparse refused the options
        return int(exit.code or 0)


@pytest.mark.parametrize(
    ("text", "period", "words"),
    [
        ("7d", Period(7, "d"), "the last 7 days"),
        ("24h", Period(24, "h"), "the last 24 hours"),
        ("90m", Period(90, "m"), "the last 90 minutes"),
        ("2w", Period(2, "w"), "the last 2 weeks"),
        ("1d", Period(1, "d"), "the last day"),
        (" 12 H ", Period(12, "h"), "the last 12 hours"),
    ],
)
def test_periods(text: str, period: Period, words: str) -> None:
    assert parse_period(text) == period
    assert str(period) == words


def test_period_lengths() -> None:
    assert parse_period("90m").seconds == 90 * 60
    assert parse_period("7d").seconds == 7 * 86400


@pytest.mark.parametrize("text", ["7", "d", "7x", "0d", "-1d", "1.5h", "7 days", ""])
def test_what_is_not_a_period(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not a period"):
        parse_period(text)


def test_the_text_report(tracker_db: Path) -> None:
    result = report("--db", f"sqlite:///{tracker_db}")
    assert result.returncode == 0, result.stderr
    heading, *lines = result.stdout.splitlines()
    assert heading.startswith("Unanswered questions in the last 7 days (since ")
    assert heading.endswith(" UTC)")
    assert lines == [
        "6 of 7 messages from residents went unanswered.",
        "",
        "1. asked 3 times, languages: en 3",
        '   "can you fix my boiler? my name is [name]"',
        '   "I live at [postcode], can you fix my boiler"',
        '   "my boiler is broken, call me on [phone]"',
        "",
        "2. asked once, languages: en 1",
        '   "is there a bus to the hospital"',
        "",
        "3. asked once, languages: pl 1",
        '   "mój bojler jest zepsuty"',
        "",
        "4. asked once, languages: en 1",
        '   "what does the QE do about parking"',
    ]


def test_the_markdown_report(tracker_db: Path) -> None:
    result = report("--db", f"sqlite:///{tracker_db}", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Unanswered questions in the last 7 days\n\nSince ")
    assert "\n6 of 7 messages from residents went unanswered.\n" in result.stdout
    assert result.stdout.endswith(
        "\n## 1. asked 3 times\n\nLanguages: en 3\n\n"
        "- can you fix my boiler? my name is \\[name\\]\n"
        "- I live at \\[postcode\\], can you fix my boiler\n"
        "- my boiler is broken, call me on \\[phone\\]\n"
        "\n## 2. asked once\n\nLanguages: en 1\n\n- is there a bus to the hospital\n"
        "\n## 3. asked once\n\nLanguages: pl 1\n\n- mój bojler jest zepsuty\n"
        "\n## 4. asked once\n\nLanguages: en 1\n\n- what does the QE do about parking\n"
    )


def test_the_report_never_shows_who_asked_nor_their_details(tracker_db: Path, capsys) -> None:
    for options in (("--since", "2w"), ("--format", "markdown")):
        assert run("--db", f"sqlite:///{tracker_db}", *options) == 0
    output = capsys.readouterr().out
    assert "boiler" in output
    for secret in (*SENDERS, "John", "Smith", "07700", "900123", "B15", "2TT"):
        assert secret not in output


def test_residents_text_cannot_add_markdown(tmp_path: Path, capsys) -> None:
    text = "<script>x</script> [click](http://example.com) **now** `code` #1"
    db = write_tracker_db(tmp_path / "rasa.db", {"someone": not_sure(text, NOW)})
    assert run("--db", f"sqlite:///{db}", "--format", "markdown") == 0
    assert (
        "- \\<script\\>x\\</script\\> \\[click\\](http://example.com) \\*\\*now\\*\\* "
        "\\`code\\` \\#1\n"
    ) in capsys.readouterr().out


def test_since_reaches_further_back(tracker_db: Path, capsys) -> None:
    assert run("--db", f"sqlite:///{tracker_db}", "--since", "2w") == 0
    output = capsys.readouterr().out
    assert "in the last 2 weeks" in output
    assert "7 of 8 messages" in output
    assert "where do I park at the QE hospital" in output


def test_min_count_hides_smaller_groups(tracker_db: Path, capsys) -> None:
    assert run("--db", f"sqlite:///{tracker_db}", "--min-count", "2") == 0
    output = capsys.readouterr().out
    assert "6 of 7 messages" in output
    assert "Only groups asked at least 2 times are shown." in output
    assert "1. asked 3 times" in output
    assert "2. " not in output
    assert "bus" not in output


def test_nothing_unanswered(tmp_path: Path, capsys) -> None:
    db = write_tracker_db(tmp_path / "rasa.db", {"someone": answered("who chairs the ICS?", NOW)})
    assert run("--db", f"sqlite:///{db}") == 0
    assert run("--db", f"sqlite:///{db}", "--since", "24h", "--format", "markdown") == 0
    assert capsys.readouterr().out == (
        "Nothing went unanswered in the last 7 days.\n"
        "Nothing went unanswered in the last 24 hours.\n"
    )


def test_the_database_url_from_the_environment(tracker_db: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(DB_URL_ENV, f"sqlite:///{tracker_db}")
    assert run() == 0
    assert "6 of 7 messages" in capsys.readouterr().out


def test_a_missing_database_file(tmp_path: Path) -> None:
    result = report("--db", f"sqlite:///{tmp_path}/missing.db")
    assert result.returncode == 2
    assert result.stderr == f"No conversation database at {tmp_path}/missing.db\n"
    assert result.stdout == ""
    assert not (tmp_path / "missing.db").exists()  # not created by reading it


def test_a_database_without_conversations(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty.db").touch()
    assert run("--db", f"sqlite:///{tmp_path}/empty.db") == 2
    assert capsys.readouterr().err == (
        f"Could not read the conversations in sqlite:///{tmp_path}/empty.db: "
        "no such table: events\n"
    )


def test_an_unreachable_database_hides_the_password(capsys) -> None:
    assert run("--db", "postgresql://bsol:s3cret@127.0.0.1:1/rasa") == 2
    error = capsys.readouterr().err
    assert error.startswith(
        "Could not read the conversations in postgresql://bsol:***@127.0.0.1:1/rasa: "
    )
    assert "s3cret" not in error
    assert len(error.splitlines()) == 1


def test_not_a_database_url(capsys) -> None:
    assert run("--db", "var/rasa.db") == 2
    assert capsys.readouterr().err.startswith("Not a database URL")


def test_a_bad_since_on_the_command_line(tracker_db: Path) -> None:
    result = report("--db", f"sqlite:///{tracker_db}", "--since", "7x")
    assert result.returncode == 2
    assert "argument --since: '7x' is not a period" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "0d"), "argument --since: '0d' is not a period"),
        (("--min-count", "0"), "argument --min-count: '0' is not a whole number of at least 1"),
        (("--format", "html"), "argument --format: invalid choice: 'html'"),
    ],
)
def test_bad_options(args: tuple[str, ...], message: str, tracker_db: Path, capsys) -> None:
    assert run("--db", f"sqlite:///{tracker_db}", *args) == 2
    output = capsys.readouterr()
    assert message in output.err
    assert output.out == ""
