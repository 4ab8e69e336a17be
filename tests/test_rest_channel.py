"""The REST channel of the real running assistant: bad input gets a polite reply, never a trace."""

import json
import uuid

import pytest

from assistant.channels.rest import sender_id
from tests.helpers import post, reply_text

pytestmark = pytest.mark.server

NO_WORDS = "I could not find any words"
TRACE_MARKERS = ("Traceback", "Exception", 'File "', "Error:")


@pytest.mark.parametrize(
    "message",
    [
        "",
        "x" * 10_000,
        "<script>alert('hi')</script>",
        "<img src=x onerror=alert(1)>",
        "🙂🙂🙂",
        "hello مرحبا 你好 ਸਤ ਸ੍ਰੀ ਅਕਾਲ",
        "who\x00 chairs\x07 the ICS\x1b[31m",
        None,
        12345,
        ["a", "list"],
    ],
    ids=[
        "empty",
        "10k chars",
        "script",
        "img onerror",
        "emoji",
        "mixed scripts",
        "control chars",
        "null",
        "number",
        "list",
    ],
)
def test_bad_input_gets_a_polite_reply(ask, message):
    reply = ask(message)
    text = reply_text(reply)
    assert reply and text.strip()
    assert "<" not in text and ">" not in text, "markup must never be echoed back"
    assert not any(marker in text for marker in TRACE_MARKERS)


def test_empty_and_emoji_only_messages_ask_for_words(ask):
    assert NO_WORDS in reply_text(ask(""))
    assert NO_WORDS in reply_text(ask("🙂🙂🙂"))
    assert NO_WORDS in reply_text(ask("<script>alert(1)</script>"))


def test_a_body_that_is_not_a_json_object_gets_a_clear_400(stack):
    for body in [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"]:
        status, payload = post(f"{stack.url}/webhooks/rest/webhook", body)
        assert status == 400
        assert "Send a JSON object" in json.loads(payload)["error"]


def test_a_message_without_a_sender_gets_its_own_conversation(stack):
    status, payload = post(f"{stack.url}/webhooks/rest/webhook", b'{"message": "hello"}')
    assert status == 200
    recipient = json.loads(payload)[0]["recipient_id"]
    assert len(recipient) == 32 and recipient != "default"


def test_sender_ids_are_bounded_and_printable():
    assert sender_id("abc\x00def") == "abcdef"
    assert len(sender_id("a" * 1000)) == 128
    assert len(sender_id(None)) == 32
    assert sender_id(7) == "7"


def test_conversations_survive_a_restart_of_the_store(stack, ask):
    """Conversations are kept in the tracker store: "tell me more" follows the last answer."""
    sender = uuid.uuid4().hex
    ask("what is the ICB?", sender=sender)
    more = reply_text(ask("tell me more", sender=sender))
    assert "That is all I have" not in more
    assert "Source:" in more
