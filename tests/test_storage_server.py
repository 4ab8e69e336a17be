"""The real server with a database that stops taking writes: the resident is told at once."""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.messages import message
from tests.helpers import reply_text

pytestmark = pytest.mark.server


@contextmanager
def read_only(database: Path) -> Iterator[None]:
    """The tracker database and its WAL files immutable (root is not stopped by chmod)."""
    files = [p for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm")) if p.exists()]
    chattr = shutil.which("chattr")
    if os.geteuid() != 0:
        for path in files:
            path.chmod(0o444)
        undo = [lambda path=path: path.chmod(0o644) for path in files]
    elif chattr and subprocess.run([chattr, "+i", *map(str, files)]).returncode == 0:
        undo = [lambda: subprocess.run([chattr, "-i", *map(str, files)], check=True)]
    else:
        pytest.skip("running as root, and the database cannot be made immutable")
    try:
        yield
    finally:
        for step in undo:
            step()


def stored_texts(database: Path, sender: str) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchall()
    return [row[0] for row in rows]


def test_a_message_that_could_not_be_saved_is_said_and_later_ones_are_kept(stack, ask):
    """Rasa fell back to memory and said nothing; now the resident hears it, and goes on."""
    first = ask("what is the ICB?")
    sender = first[0]["recipient_id"]
    with read_only(stack.tracker_db):
        unsaved = ask("who chairs the ICS?")
    assert "Dame Yve Buckland" in reply_text(unsaved)  # still answered
    assert reply_text(unsaved).endswith(message("message_not_saved"))
    saved = ask("what is a PCN?")
    assert message("message_not_saved") not in reply_text(saved)
    texts = stored_texts(stack.tracker_db, sender)
    assert any("what is the ICB?" in t for t in texts)
    assert any("what is a PCN?" in t for t in texts)
    assert not any("who chairs the ICS?" in t for t in texts)  # as the resident was told
