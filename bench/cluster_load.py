"""The loads of ``make bench-cluster``: questions with checkable answers, sent by socket.io
sessions and REST clients, each reply checked against its own question and tallied.

Every message asks which PCN a GP practice is in, each client about different practices: a reply
must hold that practice's postcode and PCN (from data/directory) and no other practice's, or it
is cross-talk. Every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import socketio

from assistant.directory.models import Pcn, Practice

TIMEOUT_SECONDS = 60.0

@dataclass(frozen=True)
class Question:
    """A message, what its right reply holds, and how many bot messages that reply has."""

    text: str
    answer: str
    replies: int = 1


@dataclass(frozen=True)
class Load:
    """Load A: ``sessions`` x ``messages`` over socket.io; load B: ``rest_clients`` x
    ``rest_messages`` over REST."""

    sessions: int = 200
    messages: int = 5
    rest_clients: int = 50
    rest_messages: int = 10


def practice_questions(practices: Sequence[Practice], pcns: Sequence[Pcn]) -> list[Question]:
    """The question "which PCN is <practice> in?" of each practice whose answer is its own.

    The answer is the end of the directory's reply, "<postcode>) is in <PCN>"; practices that
    share a name, or a postcode and a PCN, are left out (their replies could not be told apart).
    """
    names = {pcn.code: pcn.name for pcn in pcns}
    questions = [
        Question(f"which PCN is {practice.name} in?",
                 f"{practice.postcode}) is in {names[practice.pcn_code]}")
        for practice in practices
        if practice.pcn_code in names
    ]  # fmt: skip
    answers = Counter(question.answer for question in questions)
    texts = Counter(question.text.casefold() for question in questions)
    return [q for q in questions if answers[q.answer] == 1 and texts[q.text.casefold()] == 1]


def is_its_reply(question: Question, text: str, answers: Collection[str]) -> bool:
    """Whether a reply's text belongs to ``question``: its answer and no other question's."""
    if question.answer not in text:
        return False
    return not any(other in text for other in answers if other not in question.answer)


def plans(questions: Sequence[Question], clients: int, messages: int) -> list[list[Question]]:
    """Each client's questions: ``messages`` different ones, each client further on in turn.

    Raises:
        ValueError: If there are fewer questions than one client sends.
    """
    if len(questions) < messages:
        raise ValueError(f"{len(questions)} questions, but each client sends {messages}")
    return [
        [questions[(client * messages + number) % len(questions)] for number in range(messages)]
        for client in range(clients)
    ]


def node_of_session(sid: str) -> str:
    """The node a socket.io session id names ("n1-..." is n1's); empty for a plain id."""
    node, dash, _ = sid.partition("-")
    return node if dash else ""


@dataclass
class Tally:
    """What one load saw.

    Attributes:
        answers: Every question's answer (a reply holding another's is cross-talk).
        messages: The messages the load was to send.
        lost: Messages with no (whole) reply within the timeout, an HTTP error, or never sent
            because the connection had failed.
        crossed: Replies that did not belong to their question.
        first_reply: Seconds from sending each answered message to its first bot message.
        served: Answered messages, by the node that answered them.
        seconds: Wall time of the load, from the first message sent to the last reply.
        failures: The first few errors, for the log.
    """

    answers: frozenset[str]
    messages: int = 0
    lost: int = 0
    crossed: int = 0
    first_reply: list[float] = field(default_factory=list)
    served: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def answered(self, question: Question, texts: Sequence[str], latency: float, node: str) -> None:
        """Count a message whose reply came, checking that reply against the question."""
        self.first_reply.append(latency)
        self.served[node] += 1
        if not is_its_reply(question, "\n".join(texts), self.answers):
            self.crossed += 1

    def failed(self, count: int, error: BaseException | str) -> None:
        """Count ``count`` messages lost, keeping the first few errors."""
        self.lost += count
        if len(self.failures) < 5:
            self.failures.append(str(error)[:200] or type(error).__name__)

    @property
    def rate(self) -> float:
        """Messages a second: all the load's messages over its wall time."""
        return self.messages / self.seconds if self.seconds > 0 else 0.0





class SocketSession:
    """One resident on socket.io: connects, then asks its questions one after another."""

    def __init__(self, url: str, questions: list[Question], tally: Tally, timeout: float) -> None:
        self.url, self.questions, self.tally, self.timeout = url, questions, tally, timeout
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.arrivals: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
        self.session_id: str | None = None
        self.node = ""
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self._on_message)

    def _on_message(self, message: Any) -> None:
        text = str(message.get("text") or "") if isinstance(message, dict) else str(message)
        self.arrivals.put_nowait((time.perf_counter(), text))

    async def connect(self) -> None:
        """Connect over websocket and ask for a new session."""
        await asyncio.wait_for(
            self.sio.connect(self.url, socketio_path="/socket.io", transports=["websocket"],
                             wait_timeout=self.timeout),
            self.timeout,
        )  # fmt: skip
        self.node = node_of_session(str(self.sio.eio.sid or ""))
        await self.sio.emit("session_request", {"session_id": None})
        confirmed = await asyncio.wait_for(self.confirmed.get(), self.timeout)
        self.session_id = confirmed["session_id"] if isinstance(confirmed, dict) else confirmed

    async def _reply(self, deadline: float) -> tuple[float, str] | None:
        try:
            left = max(0.0, deadline - time.perf_counter())
            return await asyncio.wait_for(self.arrivals.get(), left)
        except asyncio.TimeoutError:
            return None

    async def converse(self) -> None:
        """Send each question when the previous one's first reply has come; check every reply.

        A question's replies are the next ``replies`` bot messages (one conversation's replies
        come in order). A question whose replies do not all come ends the session: it and those
        not sent yet are lost.
        """
        pending: tuple[Question, list[str], float] | None = None  # replies still to come
        done = 0
        try:
            for question in self.questions:
                sent = time.perf_counter()
                await self.sio.emit("user_uttered", {"message": question.text,
                                                     "session_id": self.session_id})  # fmt: skip
                deadline = sent + self.timeout
                if pending is not None:
                    if not await self._finish(pending, deadline):
                        break
                    done += 1
                first = await self._reply(deadline)
                if first is None:
                    break
                pending = (question, [first[1]], first[0] - sent)
            else:
                last = time.perf_counter() + self.timeout
                if pending is not None and await self._finish(pending, last):
                    done += 1
        except (socketio.exceptions.SocketIOError, OSError) as error:
            self.tally.failed(len(self.questions) - done, error)
            return
        if done < len(self.questions):
            self.tally.failed(len(self.questions) - done, f"no reply within {self.timeout:.0f} s")

    async def _finish(self, pending: tuple[Question, list[str], float], deadline: float) -> bool:
        """Wait for the rest of a question's replies, then count it; False if they do not come."""
        question, texts, latency = pending
        while len(texts) < question.replies:
            reply = await self._reply(deadline)
            if reply is None:
                return False
            texts.append(reply[1])
        self.tally.answered(question, texts, latency, self.node)
        return True

    async def close(self) -> None:
        """Disconnect (bounded)."""
        if self.sio.connected:
            await asyncio.wait_for(self.sio.disconnect(), self.timeout)


async def socket_load(
    url: str, plans_: Sequence[list[Question]], answers: frozenset[str], timeout: float
) -> Tally:
    """One socket.io session per plan, all connected first, then all conversing at once."""
    tally = Tally(answers, messages=sum(len(plan) for plan in plans_))
    sessions = [SocketSession(url, list(plan), tally, timeout) for plan in plans_]
    try:
        outcomes = await asyncio.gather(*(s.connect() for s in sessions), return_exceptions=True)
        ready = []
        for session, outcome in zip(sessions, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                tally.failed(len(session.questions), outcome)
            else:
                ready.append(session)
        started = time.perf_counter()
        await asyncio.gather(*(session.converse() for session in ready))
        tally.seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(session.close() for session in sessions), return_exceptions=True)
    return tally


async def rest_client(
    session: aiohttp.ClientSession, url: str, questions: Sequence[Question], tally: Tally
) -> None:
    """Send ``questions`` one after the other in one conversation, checking each reply."""
    sender: str | None = None
    for question in questions:
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": question.text}
            ) as reply:
                node = reply.headers.get("X-Served-By", "")
                if reply.status != 200:
                    tally.failed(1, f"HTTP {reply.status}")
                    continue
                payload = await reply.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            tally.failed(1, error)
            continue
        if not isinstance(payload, list) or not payload:
            tally.failed(1, "an empty reply")
            continue
        latency = time.perf_counter() - started
        texts = [str(m.get("text") or "") for m in payload if isinstance(m, dict)]
        tally.answered(question, texts, latency, node)
        if isinstance(payload[0], dict):
            sender = payload[0].get("recipient_id", sender)


async def rest_load(
    url: str, plans_: Sequence[list[Question]], answers: frozenset[str], timeout: float
) -> Tally:
    """One REST client per plan, all at once."""
    tally = Tally(answers, messages=sum(len(plan) for plan in plans_))
    connector = aiohttp.TCPConnector(limit=max(1, len(plans_)))
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(rest_client(session, url, plan, tally) for plan in plans_))
        tally.seconds = time.perf_counter() - started
    return tally


def ask(url: str, text: str) -> list[dict[str, Any]]:
    """One REST message in a new conversation: the bot's messages."""
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=json.dumps({"message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
        messages = json.loads(reply.read())
    return messages if isinstance(messages, list) else []


def calibrate(url: str, questions: Sequence[Question]) -> list[Question]:
    """The questions answered right when asked alone, with how many messages their reply has.

    Each is asked once over REST in a new conversation; a question the assistant does not
    answer right by itself is left out, so that a wrong reply under load is cross-talk.
    """
    answers = frozenset(q.answer for q in questions)
    kept = []
    for question in questions:
        messages = ask(url, question.text)
        text = "\n".join(str(m.get("text") or "") for m in messages if isinstance(m, dict))
        if messages and is_its_reply(question, text, answers):
            kept.append(replace(question, replies=len(messages)))
    return kept
