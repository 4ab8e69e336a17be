"""Conversations of several turns through the real server: follow-ups, languages, a restart."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant import launcher
from tests.helpers import own_stack, post

CONVERSATIONS_FILE = Path(__file__).parent / "data" / "multi_turn.yml"
CONVERSATIONS = yaml.safe_load(CONVERSATIONS_FILE.read_text(encoding="utf-8"))["conversations"]


def say(stack: launcher.Stack, text: str, sender: str | None, metadata: Any = None) -> list[dict]:
    """Send one message over REST in the conversation ``sender`` (None: a new one)."""
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    status, payload = post(f"{stack.url}/webhooks/rest/webhook", json.dumps(body).encode())
    assert status == 200, payload
    return json.loads(payload)


def replies_text(messages: list[dict]) -> str:
    return " ".join(str(m.get("text") or "") for m in messages).casefold()


def test_there_are_thirty_conversations_in_five_languages():
    languages = {c["language"] for c in CONVERSATIONS}
    assert len(CONVERSATIONS) >= 30
    assert len(languages) >= 5, languages


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_each_turn_of_a_conversation_gets_its_answer(stack, conversation):
    sender = None
    for turn in conversation["turns"]:
        messages = say(stack, turn["say"], sender, turn.get("metadata"))
        sender = messages[0]["recipient_id"]
        text = replies_text(messages)
        for word in turn.get("expect", []):
            assert word.casefold() in text, f"{turn['say']!r}: {word!r} not in {text!r}"
        for word in turn.get("refuse", []):
            assert word.casefold() not in text, f"{turn['say']!r}: {word!r} in {text!r}"


@pytest.mark.slow
def test_a_follow_up_and_the_chosen_language_survive_a_restart(trained_model, tmp_path):
    """The topic and the language live in the tracker store, not in a server's memory."""
    with own_stack(trained_model, tmp_path) as first:
        sender = say(first, "po polsku proszę", None)[0]["recipient_id"]
        say(first, "what are the four principles", sender)
    with own_stack(trained_model, tmp_path) as second:
        text = replies_text(say(second, "what does the first one mean?", sender))
    assert "subsidiarity" in text
    assert "może zainteresuje państwa również" in text  # still in Polish
