"""Rate limits on the real server: a flood is answered at once (429, or a polite message)."""

import asyncio
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio

from assistant.messages import message
from tests.helpers import own_stack, post, reply_text

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def limited(trained_model, tmp_path_factory):
    """A server of its own with small limits: 5 messages a conversation, 60 an address."""
    limits = {"BSOL_RATE_PER_CONVERSATION": "5/60", "BSOL_RATE_PER_ADDRESS": "60/60"}
    with own_stack(trained_model, tmp_path_factory.mktemp("limited"), limits) as stack:
        yield stack


def rest(stack, body: dict) -> tuple[int, object]:
    status, payload = post(f"{stack.url}/webhooks/rest/webhook", json.dumps(body).encode())
    return status, json.loads(payload)


def test_a_flooding_conversation_gets_429_at_once_and_others_are_answered(limited):
    _, first = rest(limited, {"message": "hello"})
    sender = first[0]["recipient_id"]
    with ThreadPoolExecutor(8) as pool:
        body = {"sender": sender, "message": "hi"}
        statuses = list(pool.map(lambda _: rest(limited, body)[0], range(12)))
    assert statuses.count(200) == 5 and statuses.count(429) == 7
    status, reply = rest(limited, {"sender": sender, "message": "hi"})
    assert status == 429 and reply["error"] == message("rate_limited")
    status, other = rest(limited, {"message": "who chairs the ICS?"})
    assert status == 200 and "Dame Yve Buckland" in reply_text(other)


def test_a_429_says_when_to_try_again(limited):
    _, first = rest(limited, {"message": "hello"})
    sender = first[0]["recipient_id"]
    assert [rest(limited, {"sender": sender, "message": "hi"})[0] for _ in range(5)] == [200] * 5
    request = urllib.request.Request(
        f"{limited.url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": "hi"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 12  # 60 s / 5 messages


def test_socketio_over_its_limit_gets_a_polite_message_not_a_queue(limited):
    async def scenario() -> list[str]:
        client = socketio.AsyncClient()
        replies: asyncio.Queue = asyncio.Queue()
        confirmed: asyncio.Queue = asyncio.Queue()
        client.on("bot_uttered", replies.put_nowait)
        client.on("session_confirm", confirmed.put_nowait)
        await client.connect(limited.url, socketio_path="/socket.io", transports=["websocket"])
        try:
            await client.emit("session_request", {})
            session = await asyncio.wait_for(confirmed.get(), timeout=30)
            for _ in range(8):
                await client.emit("user_uttered", {"message": "hello", "session_id": session})
            texts = []
            while True:
                try:
                    texts.append((await asyncio.wait_for(replies.get(), timeout=5))["text"])
                except asyncio.TimeoutError:
                    return texts
        finally:
            await client.disconnect()

    texts = asyncio.run(scenario())
    assert texts.count(message("rate_limited")) == 3
    assert len([t for t in texts if t != message("rate_limited")]) >= 5


def test_one_address_is_limited_across_conversations(limited):
    statuses = [rest(limited, {"message": "hello"})[0] for _ in range(80)]
    assert 429 in statuses
