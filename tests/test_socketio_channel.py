"""The socket.io channel of the real running assistant speaks Rasa's standard protocol."""

import asyncio

import pytest
import socketio

pytestmark = pytest.mark.server


async def conversation(
    url: str, messages: list[str], session_id: str | None = None
) -> tuple[str, list[list[dict]]]:
    """Connect, ask for a session, send each message and collect the bot's replies to each."""
    client = socketio.AsyncClient()
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    replies: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", lambda data: confirmed.done() or confirmed.set_result(data))
    client.on("bot_uttered", replies.put_nowait)
    await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        session = await asyncio.wait_for(confirmed, timeout=30)
        answers = []
        for text in messages:
            await client.emit("user_uttered", {"message": text, "session_id": session})
            answer = [await asyncio.wait_for(replies.get(), timeout=30)]
            while True:
                try:
                    answer.append(await asyncio.wait_for(replies.get(), timeout=1.5))
                except asyncio.TimeoutError:
                    break
            answers.append(answer)
        return session, answers
    finally:
        await client.disconnect()


def test_a_question_is_answered_over_socketio(stack):
    session, (answer,) = asyncio.run(conversation(stack.url, ["who chairs the ICS?"]))
    assert session
    assert "Dame Yve Buckland" in answer[0]["text"]
    assert any(message.get("quick_replies") or message.get("buttons") for message in answer)


def test_a_session_survives_a_reconnect(stack):
    session, _ = asyncio.run(conversation(stack.url, ["what is the ICB?"]))
    same, (more,) = asyncio.run(conversation(stack.url, ["tell me more"], session_id=session))
    assert same == session
    assert "Source:" in more[0]["text"]


def test_markup_is_never_run_or_echoed(stack):
    _, (answer,) = asyncio.run(conversation(stack.url, ["<script>alert(1)</script>"]))
    assert "I could not find any words" in answer[0]["text"]
