"""The socket.io channel of the real running assistant speaks Rasa's standard protocol."""

import asyncio

import pytest
import socketio

from assistant.channels.socketio import NodeAsyncServer
from assistant.messages import message
from tests.helpers import own_stack

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


class Client:
    """A socket.io client that records every event it receives."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.replies: asyncio.Queue = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.replies.put_nowait)

    async def connect(self, url: str) -> None:
        await self.sio.connect(url, socketio_path="/socket.io", transports=["websocket"])

    async def session(self, session_id: object = None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), timeout=30)

    async def say(self, data: dict) -> list[dict]:
        await self.sio.emit("user_uttered", data)
        answer = [await asyncio.wait_for(self.replies.get(), timeout=30)]
        while True:
            try:
                answer.append(await asyncio.wait_for(self.replies.get(), timeout=1.5))
            except asyncio.TimeoutError:
                return answer

    async def nothing_received(self, seconds: float = 3) -> bool:
        await asyncio.sleep(seconds)
        return self.replies.empty()


def texts(answer: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in answer)


def test_a_session_id_the_server_did_not_issue_gets_a_fresh_conversation(stack):
    async def scenario() -> list[str]:
        client = Client()
        await client.connect(stack.url)
        try:
            return [await client.session(value) for value in ("me", "\ud800", 7, "s" + "x" * 200)]
        finally:
            await client.sio.disconnect()

    sessions = asyncio.run(scenario())
    assert len(set(sessions)) == 4
    assert all(session.startswith("s") and len(session) < 64 for session in sessions)


def test_no_one_can_listen_to_or_post_into_another_conversation(stack):
    """A second client naming the first one's session in its messages stays in its own."""

    async def scenario() -> tuple[str, str, list[dict], bool]:
        resident, intruder = Client(), Client()
        await resident.connect(stack.url)
        await intruder.connect(stack.url)
        try:
            own = await resident.session()
            await resident.say({"message": "what is the ICB?", "session_id": own})
            other = await intruder.session()
            answer = await intruder.say({"message": "tell me more", "session_id": own})
            return own, other, answer, await resident.nothing_received()
        finally:
            await resident.sio.disconnect()
            await intruder.sio.disconnect()

    own, other, answer, resident_undisturbed = asyncio.run(scenario())
    assert own != other
    assert "That is all I have" in texts(answer) or "Source:" not in texts(answer)
    assert resident_undisturbed, "the intruder's reply reached the resident's conversation"


def test_a_rest_conversation_id_is_not_a_socketio_session(stack, ask):
    rest_id = ask("hello")[0]["recipient_id"]

    async def scenario() -> str:
        client = Client()
        await client.connect(stack.url)
        try:
            return await client.session(rest_id)
        finally:
            await client.sio.disconnect()

    assert asyncio.run(scenario()) != rest_id


def test_a_surrogate_session_id_does_not_stop_the_server(stack):
    async def scenario() -> list[dict]:
        client = Client()
        await client.connect(stack.url)
        try:
            await client.sio.emit("user_uttered", {"session_id": "\ud800", "message": "hi"})
            await asyncio.wait_for(client.confirmed.get(), timeout=30)
            return await client.say({"message": "who chairs the ICS?"})
        finally:
            await client.sio.disconnect()

    assert "Dame Yve Buckland" in texts(asyncio.run(scenario()))
    _, (answer,) = asyncio.run(conversation(stack.url, ["who chairs the ICS?"]))
    assert "Dame Yve Buckland" in answer[0]["text"]


def test_rasa_webchats_custom_data_sets_the_language(stack):
    async def scenario() -> list[dict]:
        client = Client()
        await client.connect(stack.url)
        try:
            session = await client.session()
            data = {"message": "what is a PCN?", "customData": {"language": "ur"}}
            return await client.say({**data, "session_id": session})
        finally:
            await client.sio.disconnect()

    answer = asyncio.run(scenario())
    assert answer[0]["metadata"]["language"] == "ur"
    assert answer[0]["metadata"]["dir"] == "rtl"


def test_an_oversized_packet_does_not_stop_the_server(stack):
    async def scenario() -> None:
        client = Client()
        await client.connect(stack.url)
        try:
            await client.session()
            await client.sio.emit("user_uttered", {"message": "x" * 200_000})
            await asyncio.sleep(1)
        finally:
            await client.sio.disconnect()

    asyncio.run(scenario())
    _, (answer,) = asyncio.run(conversation(stack.url, ["who chairs the ICS?"]))
    assert "Dame Yve Buckland" in answer[0]["text"]


def test_a_resident_is_told_when_no_reply_could_be_made(trained_model, tmp_path):
    """With the action server gone, Rasa only logs the failed action: the resident is told."""
    with own_stack(trained_model, tmp_path) as own:
        actions = own.processes["actions"]
        actions.kill()
        actions.wait(timeout=30)
        _, (answer,) = asyncio.run(conversation(own.url, ["who chairs the ICS?"]))
    assert [reply["text"] for reply in answer] == [message("technical_problem")]


def test_a_nodes_session_ids_start_with_its_node_id_so_a_balancer_can_follow_them():
    named = NodeAsyncServer("n2", async_mode="sanic")
    assert named.eio.generate_id().startswith("n2-")
    assert not NodeAsyncServer("", async_mode="sanic").eio.generate_id().startswith("-")
