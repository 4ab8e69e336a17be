"""The REST channel of the real running assistant: bad input gets a polite reply, never a trace."""

import json

import pytest

from assistant.messages import message
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


def send(stack, body: object) -> tuple[int, object]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, payload = post(f"{stack.url}/webhooks/rest/webhook", raw)
    return status, json.loads(payload)


def test_a_message_without_a_sender_gets_a_conversation_id_from_the_server(stack):
    status, reply = send(stack, {"message": "hello"})
    assert status == 200
    assert reply[0]["recipient_id"].startswith("r")
    assert all(item["recipient_id"] == reply[0]["recipient_id"] for item in reply)


def test_a_sender_id_the_server_did_not_issue_starts_a_new_conversation(stack):
    """Two clients that both say they are "me" never share a conversation."""
    _, first = send(stack, {"sender": "me", "message": "what is the ICB?"})
    _, second = send(stack, {"sender": "me", "message": "tell me more"})
    assert first[0]["recipient_id"] != second[0]["recipient_id"]
    assert "me" not in (first[0]["recipient_id"], second[0]["recipient_id"])
    assert reply_text(second) != reply_text(send(stack, {
        "sender": first[0]["recipient_id"], "message": "tell me more"
    })[1])  # fmt: skip


@pytest.mark.parametrize(
    "sender",
    ["\ud800", "x" * 129, 12345, ["a"], "a\x00b"],
    ids=["lone surrogate", "129 chars", "number", "list", "nul"],
)
def test_an_unusable_sender_id_is_refused_with_a_clear_400(stack, sender):
    status, reply = send(stack, {"sender": sender, "message": "hi"})
    assert status == 400
    assert reply["error"] == '"sender" must be text of at most 128 printable characters.'


def test_a_lone_surrogate_id_does_not_stop_the_server(stack, ask):
    raw = b'{"sender": "\\ud800", "message": "hi"}'
    assert send(stack, raw)[0] == 400
    assert "Dame Yve Buckland" in reply_text(ask("who chairs the ICS?"))


def test_a_lone_surrogate_in_a_message_is_answered_normally(stack, ask):
    status, reply = send(stack, b'{"message": "who chairs the ICS?\\ud800"}')
    assert status == 200
    assert "Dame Yve Buckland" in reply_text(reply)
    assert message("technical_problem") not in reply_text(reply)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"message": "hi", "metadata": ' + b"[" * 30 + b"]" * 30 + b"}",
    ],
    ids=["20k deep", "metadata 31 deep"],
)
def test_deeply_nested_json_gets_a_400_not_a_500(stack, body):
    status, reply = send(stack, body)
    assert status == 400
    assert reply["error"] == "The JSON is nested too deeply."


def test_metadata_is_size_capped_and_only_the_language_is_kept(stack):
    status, reply = send(stack, {"message": "hi", "metadata": {"blob": "x" * 3000}})
    assert status == 400 and "metadata" in reply["error"]
    status, reply = send(stack, {"message": "PCN کیا ہے", "metadata": {"language": "ur", "x": 1}})
    assert status == 200 and reply[0]["metadata"]["language"] == "ur"


def test_a_typed_restart_is_not_a_command(stack, ask):
    """"/restart" typed by a resident neither wipes the conversation nor fails."""
    ask("what is the ICB?")
    restart = reply_text(ask("/restart"))
    assert message("technical_problem") not in restart
    more = reply_text(ask("tell me more"))
    assert "That is all I have" not in more and "Source:" in more


def test_a_conversation_continues_with_its_issued_id(stack, ask):
    """Conversations are kept in the tracker store: "tell me more" follows the last answer."""
    ask("what is the ICB?")
    more = reply_text(ask("tell me more"))
    assert "That is all I have" not in more
    assert "Source:" in more
