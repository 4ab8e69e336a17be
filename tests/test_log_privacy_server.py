"""No resident's words reach the servers' logs, even with Rasa logging at DEBUG (issue 9, item 7).

Reproducer: ``/restart John Smith 943 476 5919`` was written verbatim to the log by a Rasa
warning, and at ``LOG_LEVEL=DEBUG`` Rasa logs every message's text and parse data.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant import launcher
from tests.helpers import own_stack, post

pytestmark = pytest.mark.server

LONG = "I would like to know " + "whether the clinic near Marmaduke Street opens late " * 30
MESSAGES = [
    "/restart John Smith 943 476 5919",
    "Can Zebedee Quillfeather see a doctor about my knee?",
    LONG,
    "<b>Hello</b> <script>alert('Xylophonic')</script> where is Pemberton Gryce's pharmacy",
    "my name is Ottoline Brackenbury-Vance and my number is 07700 900123",
    '/greet{"name": "Perpetua Finchley"}',
    '/faq{"entry":"finchley_perpetua_07700900123"}',  # shaped like a button's payload
    "¿Dónde está la farmacia más cercana para Zoë Ñúñez?",
    "GP practices near B33 8TA please",  # a directory answer repeats the postcode (issue 12)
    "I live at B36 0HF, what is the phone number of Shah Zaman Surgery",
]
FOLLOW_UP = "thank you"
# The names and numbers in them, also as JSON writes them (structlog's lines are JSON).
SECRETS = [
    "John Smith", "Smith", "943 476 5919", "5919", "Zebedee", "Quillfeather", "Marmaduke",
    "Xylophonic", "Pemberton", "Gryce", "Ottoline", "Brackenbury", "900123", "Perpetua",
    "Finchley", "07700900123", "Ñúñez", "\\u00d1\\u00fa\\u00f1ez", "Zo\\u00eb",
    "B33 8TA", "B338TA", "8TA", "B36 0HF", "0HF",
]  # fmt: skip


@dataclass
class Logs:
    """What the servers wrote while answering MESSAGES."""

    replies: list[tuple[int, bytes]]
    rasa: str
    actions: str


@pytest.fixture(scope="module")
def logs(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Logs:
    with own_stack(
        trained_model, tmp_path_factory.mktemp("log_privacy"), {"LOG_LEVEL": "DEBUG"}
    ) as stack:
        replies = []
        for text in MESSAGES:  # each a new conversation, so no rate limit is reached
            replies.append(_send(stack, {"message": text}))
            # A later turn logs the conversation again: the earlier text must not show then.
            conversation = json.loads(replies[-1][1])[0]["recipient_id"]
            replies.append(_send(stack, {"sender": conversation, "message": FOLLOW_UP}))
        rasa_log, actions_log = stack.log("rasa"), stack.log("actions")
    # Read once the servers have stopped, so everything they wrote is in the files.
    assert rasa_log is not None and actions_log is not None
    return Logs(replies, _read(rasa_log), _read(actions_log))


def _send(stack: launcher.Stack, body: dict[str, str]) -> tuple[int, bytes]:
    return post(f"{stack.url}/webhooks/rest/webhook", json.dumps(body).encode())


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _leaks(log: str) -> list[str]:
    found = [
        line[:300]
        for line in log.splitlines()
        if any(secret.casefold() in line.casefold() for secret in SECRETS)
    ]
    return found + [f"(whole message) {text[:60]}" for text in MESSAGES if text in log]


def test_every_message_was_answered(logs: Logs) -> None:
    for status, body in logs.replies:
        assert status == 200, body
        assert json.loads(body), "no reply"


def test_rasa_logged_the_conversations_at_debug_level(logs: Logs) -> None:
    # Else the next tests would pass for want of lines, not for want of text.
    assert "processor.message.parse" in logs.rasa
    assert len(re.findall(r"\bDEBUG\b", logs.rasa)) > 100


def test_no_message_text_in_the_rasa_servers_log(logs: Logs) -> None:
    assert _leaks(logs.rasa) == []


def test_no_message_text_in_the_action_servers_log(logs: Logs) -> None:
    assert _leaks(logs.actions) == []
