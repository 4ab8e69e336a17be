"""Citations through the real server: residents see the title; staff find the file in the store."""

import json
import sqlite3

import pytest

pytestmark = pytest.mark.server

CHAIR_SOURCE = "000_c93b8dba418caeb3.txt"
CHAIR_TITLE = "Birmingham and Solihull STP approved as an Integrated Care System (news)"


def bot_messages(tracker_db, conversation: str) -> list[dict]:
    """The bot messages of one conversation, as the tracker store keeps them."""
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
            (conversation,),
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def test_an_answer_cites_its_title_and_the_store_keeps_its_file(ask, stack):
    reply = ask("who chairs the ICS?")
    answer = next(m for m in reply if "Dame Yve Buckland" in (m.get("text") or ""))
    assert answer["text"].endswith(f"\nSource: {CHAIR_TITLE}")
    assert ".txt" not in json.dumps(reply)  # the file name is never sent to the resident
    stored = bot_messages(stack.tracker_db, reply[0]["recipient_id"])
    cited = [m for m in stored if m.get("text") == answer["text"]]
    assert len(cited) == 1, stored
    assert cited[0]["metadata"]["source_file"] == CHAIR_SOURCE
    assert "citation" not in cited[0]["metadata"]  # no public address is recorded for it
