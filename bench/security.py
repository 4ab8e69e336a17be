"""Measure issue 9's targets and write bench/security.md: ``make bench-security``.

Starts its own stack on free localhost ports (rate limits opened: all the load comes from this
machine's one address), then, in a few bounded minutes:

1. fuzz: hostile REST requests (``tests/hostile.py``, seeded), several at a time, while a
   resident asks a question every 0.5 s: server errors, crashes, the resident's latency;
2. crowd: concurrent socket.io sessions, each asking its own questions: lost, duplicated and
   crossed replies, first-reply latency;
3. a 1 MB hostile message over REST and socket.io (and one just under the request limit),
   while a resident asks: how it is refused or cut, and the resident's latency.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from assistant import launcher
from assistant.knowledge import default_knowledge_base
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL, VAR_DIR
from assistant.settings import OPEN_RATE_LIMITS, Settings, load_settings
from bench.stats import percentile
from tests import hostile

RESULTS = Path(__file__).parent / "security.md"
# The servers' logs of the last run are kept here (a crash is diagnosed from them).
LOG_DIR = VAR_DIR / "bench-security"
# All the load comes from 127.0.0.1: the per-address and per-conversation limits would refuse
# most of it (429), which is what they are for, but then nothing else would be measured.
QUESTION, ANSWER = "who chairs the ICS?", "Dame Yve Buckland"
TIMEOUT_SECONDS = 60.0
MEGABYTE = 1_000_000
Signature = tuple[str, tuple[str, ...]]


def post(url: str, body: bytes, timeout: float = TIMEOUT_SECONDS) -> tuple[int, bytes]:
    """POST a raw body to the REST webhook: the status and the body, errors included."""
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def ask(url: str, text: str, sender: str | None = None) -> list[dict[str, Any]]:
    """Ask ``text`` over REST (continuing ``sender``'s conversation): the reply's messages."""
    status, payload = post(url, json.dumps({"sender": sender, "message": text}).encode())
    if status != 200:
        raise RuntimeError(f"the server answered {status}: {payload[:200]!r}")
    return list(json.loads(payload))


def reply_text(messages: list[dict[str, Any]]) -> str:
    """All the text of a reply, as one string."""
    return "\n".join(str(m.get("text") or "") for m in messages)


# A resident's conversation is this many questions long; then a new one starts. (One endless
# conversation gets slower by itself: every message reads and replays all its events.)
CONVERSATION_QUESTIONS = 10


class Resident(threading.Thread):
    """A resident who asks the same question every ``every`` seconds and times each answer.

    Runs in its own thread (blocking HTTP), so the load generator does not delay it. Every
    :data:`CONVERSATION_QUESTIONS` questions it starts a new conversation.
    """

    def __init__(self, url: str, every: float) -> None:
        super().__init__(daemon=True)
        self.url, self.every = url, every
        self.timings: list[float] = []
        self.wrong = 0
        self.failed: list[str] = []
        self._halt = threading.Event()
        self._sender: str | None = None

    def run(self) -> None:
        """Ask until stopped, keeping to the schedule (a slow answer delays the next one)."""
        while not self._halt.is_set():
            started = time.perf_counter()
            try:
                reply = ask(self.url, QUESTION, self._sender)
                self.timings.append(time.perf_counter() - started)
                self._sender = reply[0]["recipient_id"]
                if len(self.timings) % CONVERSATION_QUESTIONS == 0:
                    self._sender = None
                self.wrong += ANSWER not in reply_text(reply)
            except (OSError, RuntimeError, ValueError) as error:
                self.failed.append(f"{type(error).__name__}: {error}"[:200])
            self._halt.wait(max(0.0, self.every - (time.perf_counter() - started)))

    def stop(self) -> None:
        """Stop after the question in flight."""
        self._halt.set()
        self.join()

    def summary(self) -> str:
        """The resident's latency, for the results table."""
        if not self.timings:
            return "no answers"
        ms = [t * 1000 for t in self.timings]
        return (
            f"max {max(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
            f"p50 {statistics.median(ms):.0f} ms ({len(ms)} questions, {self.wrong} wrong, "
            f"{len(self.failed)} failed)"
        )


def rasa_log_size(stack: launcher.Stack) -> int:
    """How many bytes the Rasa server has logged so far."""
    log = stack.log("rasa")
    return log.stat().st_size if log is not None and log.exists() else 0


def new_traces(stack: launcher.Stack, start: int) -> list[str]:
    """The stack traces the Rasa server logged after byte ``start`` (known noise aside)."""
    log = stack.log("rasa")
    if log is None or not log.exists():
        return []
    return hostile.log_traces(log.read_bytes()[start:].decode("utf-8", "replace"))


def alive(stack: launcher.Stack, pids: dict[str, int]) -> bool:
    """Whether both servers are still the processes that were started (none died)."""
    return all(
        name in stack.processes
        and stack.processes[name].pid == pid
        and stack.processes[name].poll() is None
        for name, pid in pids.items()
    )


class Server:
    """The Rasa server under test: whether it still runs, and a restart after it crashed."""

    def __init__(self, stack: launcher.Stack) -> None:
        self.stack = stack
        self.exits: list[str] = []

    def alive(self) -> bool:
        """Whether the Rasa server process is running."""
        process = self.stack.processes.get("rasa")
        return process is not None and process.poll() is None

    def restart(self) -> None:
        """Note how the Rasa server ended (its exit code and last log line), then start it."""
        process = self.stack.processes.get("rasa")
        code = process.poll() if process is not None else None
        log = self.stack.log("rasa")
        last = ""
        if log is not None and log.exists():
            lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            last = lines[-1][:200] if lines else ""
        self.exits.append(f"exit code {code}, last log line {last!r}")
        self.stack.stop_server("rasa")
        self.stack.start_server("rasa")


@dataclass
class FuzzResult:
    """What the fuzz found."""

    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    closed: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    examples: dict[str, bytes] = field(default_factory=dict)
    crashes: int = 0
    suspects: list[list[bytes]] = field(default_factory=list)
    unanswered_in_crash: int = 0


async def fuzz(
    server: Server,
    limits: Settings,
    requests: int,
    concurrency: int,
    seed: int,
    issued: list[str],
) -> FuzzResult:
    """Send ``requests`` hostile bodies, ``concurrency`` at a time; tally what came back.

    If the Rasa server dies, the bodies in flight (and the last few answered) are kept as
    suspects, the server is restarted, and the fuzz goes on.
    """
    result = FuzzResult()
    pick = hostile.RandomPicker(seed)
    bodies: Iterator[bytes] = (hostile.rest_body(pick, issued) for _ in range(requests))
    headers = {"Content-Type": "application/json"}
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    url = server.stack.url
    in_flight: dict[int, bytes] = {}
    answered: list[bytes] = []
    ready = asyncio.Event()
    ready.set()
    generation = [0]

    async def recover(seen: int) -> None:
        if seen != generation[0]:  # another worker is restarting it already
            await ready.wait()
            return
        generation[0] += 1
        ready.clear()
        result.crashes += 1
        result.suspects.append([*in_flight.values(), *answered[-4:]])
        await asyncio.to_thread(server.restart)
        ready.set()

    async def worker(number: int, session: aiohttp.ClientSession) -> None:
        for body in bodies:  # one generator shared by all workers: each body is sent once
            await ready.wait()
            seen, in_flight[number] = generation[0], body
            try:
                async with session.post(
                    f"{url}/webhooks/rest/webhook", data=body, headers=headers
                ) as reply:
                    status, payload = reply.status, await reply.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                if not server.alive():
                    result.unanswered_in_crash += 1
                    await recover(seen)
                    continue
                if len(body) > limits.max_request_bytes:
                    result.closed += 1  # refused by closing the connection: fine
                    continue
                status, payload = 599, f"{type(error).__name__}".encode()
            finally:
                in_flight.pop(number, None)
            answered[:] = [*answered[-7:], body]
            result.requests += 1
            result.statuses[status] += 1
            for problem in hostile.rest_reply_problems(status, payload):
                kind = problem.split(":")[0]
                result.problems[kind] += 1
                result.examples.setdefault(kind, body[:200])

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(n, session) for n in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def signature(message: dict[str, Any]) -> Signature:
    """What identifies a bot message: its text and its buttons' titles (either channel)."""
    buttons = message.get("buttons") or message.get("quick_replies") or []
    return str(message.get("text") or ""), tuple(str(b.get("title")) for b in buttons)


def calibrate(url: str) -> dict[str, list[Signature]]:
    """Each knowledge-base question whose answer no other question gets: its reply, alone.

    Asked over REST, each in a new conversation; a crowd's replies must be the same.
    """
    replies = {}
    for entry in default_knowledge_base().entries.values():
        replies[entry.question] = [signature(m) for m in ask(url, entry.question)]
    firsts = Counter(reply[0] for reply in replies.values())
    return {q: reply for q, reply in replies.items() if firsts[reply[0]] == 1}


@dataclass
class CrowdResult:
    """What the crowd saw."""

    sessions: int = 0
    messages: int = 0
    distinct_sessions: int = 0
    extra_confirms: int = 0
    lost: int = 0
    incomplete: int = 0
    duplicated: int = 0
    crossed: int = 0
    unexpected: int = 0
    dropped: int = 0
    unsent: int = 0
    first_reply: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


class CrowdSession:
    """One socket.io session asking its questions in turn, checking every reply it gets.

    A reply is expected if it belongs to the question in flight; one that belongs to a question
    this session asked before is duplicated; one that belongs to another session's question is
    cross-talk; anything else is unexpected. A connection that closes mid-conversation is
    counted as dropped, and the questions it could not send as unsent.
    """

    def __init__(
        self,
        url: str,
        questions: list[str],
        expected: dict[str, list[Signature]],
        owners: dict[Signature, set[str]],
        result: CrowdResult,
    ) -> None:
        self.url, self.questions, self.expected, self.owners = url, questions, expected, owners
        self.result = result
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirms: list[str] = []
        self.confirmed = asyncio.Event()
        self.asked: set[Signature] = set()
        self.remaining: list[Signature] = []
        self.sent_at = 0.0
        self.first: float | None = None
        self.done = asyncio.Event()
        self.sio.on("session_confirm", self._on_confirm)
        self.sio.on("bot_uttered", self._on_message)

    def _on_confirm(self, session: str) -> None:
        self.confirms.append(session)
        self.confirmed.set()

    def _on_message(self, message: dict[str, Any]) -> None:
        sign = signature(message)
        if sign in self.remaining:
            self.remaining.remove(sign)
            if self.first is None:
                self.first = time.perf_counter() - self.sent_at
            if not self.remaining:
                self.done.set()
        elif sign in self.asked:
            self.result.duplicated += 1
        elif self.owners.get(sign, set()) - set(self.questions):
            self.result.crossed += 1
        else:
            self.result.unexpected += 1

    async def connect(self) -> None:
        """Connect and ask for a session."""
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=["websocket"])
        await self.sio.emit("session_request", {"session_id": None})
        await asyncio.wait_for(self.confirmed.wait(), TIMEOUT_SECONDS)

    async def converse(self, grace: float) -> None:
        """Ask each question, waiting for its whole reply; then listen ``grace`` s for strays."""
        for number, question in enumerate(self.questions):
            if not self.sio.connected:
                self.result.dropped += 1
                self.result.unsent += len(self.questions) - number
                return
            self.remaining = list(self.expected[question])
            self.asked.update(self.remaining)
            self.first, self.done = None, asyncio.Event()
            self.sent_at = time.perf_counter()
            await self.sio.emit("user_uttered", {"message": question})
            while not self.done.is_set() and self.sio.connected:
                if time.perf_counter() - self.sent_at > TIMEOUT_SECONDS:
                    break
                await asyncio.sleep(0.05)
            if not self.done.is_set():
                left = len(self.remaining) == len(self.expected[question])
                self.result.lost += left
                self.result.incomplete += not left
            if self.first is not None:
                self.result.first_reply.append(self.first)
            self.result.messages += 1
        self.remaining = []
        await asyncio.sleep(grace)

    async def close(self) -> None:
        """Disconnect."""
        if self.sio.connected:
            await self.sio.disconnect()


async def crowd(
    url: str, expected: dict[str, list[Signature]], sessions: int, messages: int, seed: int
) -> CrowdResult:
    """``sessions`` socket.io sessions at once, each asking ``messages`` different questions."""
    result = CrowdResult(sessions=sessions)
    rng = random.Random(seed)
    pool = sorted(expected)
    plans = [rng.sample(pool, messages) for _ in range(sessions)]
    owners: dict[Signature, set[str]] = {}
    for question, reply in expected.items():
        for sign in reply:
            owners.setdefault(sign, set()).add(question)
    clients = [CrowdSession(url, plan, expected, owners, result) for plan in plans]
    try:
        connected = await asyncio.gather(*(c.connect() for c in clients), return_exceptions=True)
        result.failures += [repr(e)[:200] for e in connected if isinstance(e, BaseException)]
        started = time.perf_counter()
        await asyncio.gather(*(c.converse(grace=3.0) for c in clients))
        result.seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    confirmed = [c.confirms[0] for c in clients if c.confirms]
    result.distinct_sessions = len(set(confirmed))
    result.extra_confirms = sum(max(0, len(c.confirms) - 1) for c in clients)
    return result


@dataclass
class BigResult:
    """How big hostile messages were met."""

    rest_statuses: Counter[int] = field(default_factory=Counter)
    rest_ms: list[float] = field(default_factory=list)
    socket_dropped: int = 0
    socket_answered: int = 0
    socket_ms: list[float] = field(default_factory=list)
    under_limit: dict[str, Counter[str]] = field(default_factory=dict)
    under_limit_ms: dict[str, list[float]] = field(default_factory=dict)


async def socket_send(url: str, message: str, wait: float) -> tuple[bool, list[str], float]:
    """Send one message on a new socket.io connection.

    Returns:
        Whether the server dropped the connection, the texts it answered within ``wait``
        seconds, and the seconds until the drop or the first answer.
    """
    client = socketio.AsyncClient(reconnection=False)
    answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    confirmed = asyncio.Event()
    client.on("bot_uttered", answers.put_nowait)
    client.on("session_confirm", lambda _: confirmed.set())
    await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), TIMEOUT_SECONDS)
        started = time.perf_counter()
        await client.emit("user_uttered", {"message": message})
        texts: list[str] = []
        while time.perf_counter() - started < wait and client.connected and not texts:
            try:
                answer = await asyncio.wait_for(answers.get(), 0.05)
                texts.append(str(answer.get("text") or ""))
            except asyncio.TimeoutError:
                pass
        return not client.connected, texts, time.perf_counter() - started
    finally:
        if client.connected:
            await client.disconnect()


def big_messages(url: str, limits: Settings, rounds: int) -> BigResult:
    """1 MB of ``<`` over REST and socket.io, and one just under the request limit, ``rounds``x."""
    result = BigResult()
    flood = "<" * MEGABYTE
    body = json.dumps({"message": flood}).encode()
    # The largest message that fits the request (and the packet) limit: read, then cut.
    fits = "<" * (limits.max_request_bytes - 64)
    for _ in range(rounds):
        started = time.perf_counter()
        status, _ = post(url, body)
        result.rest_ms.append((time.perf_counter() - started) * 1000)
        result.rest_statuses[status] += 1
        dropped, texts, seconds = asyncio.run(socket_send(url, flood, wait=5.0))
        result.socket_dropped += dropped
        result.socket_answered += bool(texts)
        result.socket_ms.append(seconds * 1000)
        started = time.perf_counter()
        status, payload = post(url, json.dumps({"message": fits}).encode())
        said = reply_text(json.loads(payload)) if status == 200 else f"HTTP {status}"
        rest = result.under_limit.setdefault("REST", Counter())
        rest[said.split(".")[0]] += 1
        result.under_limit_ms.setdefault("REST", []).append(
            (time.perf_counter() - started) * 1000
        )
        dropped, texts, seconds = asyncio.run(socket_send(url, fits, wait=TIMEOUT_SECONDS))
        said = "dropped" if dropped else (texts[0].split(".")[0] if texts else "no answer")
        result.under_limit.setdefault("socket.io", Counter())[said] += 1
        result.under_limit_ms.setdefault("socket.io", []).append(seconds * 1000)
    return result


def machine() -> str:
    """The CPU, cores, memory and Python of this machine, in one line."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    return f"{model}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def ms(values: Sequence[float]) -> str:
    """p50 / p95 / max of millisecond values."""
    if not values:
        return "none"
    return (
        f"p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
        f"max {max(values):.0f} ms"
    )


def main() -> int:
    """Run the three measures and write bench/security.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.security", description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000, help="fuzzed REST requests")
    parser.add_argument("--concurrency", type=int, default=4, help="fuzz requests in flight")
    parser.add_argument("--sessions", type=int, default=200, help="concurrent socket.io sessions")
    parser.add_argument("--messages", type=int, default=5, help="questions per session")
    parser.add_argument("--rounds", type=int, default=10, help="sends of each big message")
    parser.add_argument("--seed", type=int, default=9, help="seed of the hostile input")
    args = parser.parse_args()

    limits = load_settings({**os.environ, **OPEN_RATE_LIMITS})
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / DEFAULT_MODEL.name  # a copy: a retrain meanwhile changes nothing
        shutil.copy2(DEFAULT_MODEL, model)
        return measure(args, limits, model, Path(tmp) / "tracker.db")


def measure(args: argparse.Namespace, limits: Settings, model: Path, tracker_db: Path) -> int:
    """Start the stack, take the three measures, write the results file."""
    with launcher.running(
        model=model, port=free_port(), action_port=free_port(), tracker_db=tracker_db,
        log_dir=LOG_DIR, environment=OPEN_RATE_LIMITS,
    ) as stack:  # fmt: skip
        server, url = Server(stack), stack.url
        for _ in range(3):
            warm_up = reply_text(ask(url, QUESTION))
        if ANSWER not in warm_up:
            print(f"The assistant does not answer {QUESTION!r} right: {warm_up[:200]!r}. "
                  "Is the model trained on this code (make train)?", file=sys.stderr)
            return 1
        issued = [ask(url, "hello")[0]["recipient_id"] for _ in range(4)]

        print(f"Fuzz: {args.requests} hostile REST requests...", flush=True)
        log_start = rasa_log_size(stack)
        resident = Resident(url, every=0.5)
        resident.start()
        fuzzed = asyncio.run(
            fuzz(server, limits, args.requests, args.concurrency, args.seed, issued)
        )
        resident.stop()
        fuzz_traces = new_traces(stack, log_start)
        if not server.alive():  # died on the last requests
            fuzzed.crashes += 1
            server.restart()
        actions_alive = stack.processes["actions"].poll() is None
        after_fuzz = ANSWER in reply_text(ask(url, QUESTION))
        pids = {name: process.pid for name, process in stack.processes.items()}
        print(f"Fuzz: {fuzzed.requests} answered, statuses {dict(fuzzed.statuses)}, problems "
              f"{dict(fuzzed.problems)}, crashes {fuzzed.crashes} {server.exits}; resident: "
              f"{resident.summary()}", flush=True)

        print("Crowd: calibrating the questions...", flush=True)
        expected = calibrate(url)
        if len(expected) < args.messages:
            print(f"Only {len(expected)} questions have answers of their own: is the model "
                  "loaded? The crowd needs as many as --messages.", file=sys.stderr)
            return 1
        print(f"Crowd: {args.sessions} socket.io sessions x {args.messages}...", flush=True)
        log_start = rasa_log_size(stack)
        crowded = asyncio.run(crowd(url, expected, args.sessions, args.messages, args.seed))
        crowd_traces = new_traces(stack, log_start)
        print(f"Crowd: lost {crowded.lost}, duplicated {crowded.duplicated}, crossed "
              f"{crowded.crossed}, dropped {crowded.dropped}", flush=True)

        print("Big messages...", flush=True)
        idle = Resident(url, every=0.25)
        idle.start()
        time.sleep(5)
        idle.stop()
        log_start = rasa_log_size(stack)
        during = Resident(url, every=0.25)
        during.start()
        big = big_messages(url, limits, args.rounds)
        during.stop()
        big_traces = new_traces(stack, log_start)
        big_alive = alive(stack, pids)

    lines = report(
        args, limits, fuzzed, server.exits, resident, fuzz_traces, actions_alive and after_fuzz,
        expected, crowded, crowd_traces, big, idle, during, big_traces, big_alive,
    )  # fmt: skip
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def report(
    args: argparse.Namespace,
    limits: Settings,
    fuzzed: FuzzResult,
    exits: list[str],
    resident: Resident,
    fuzz_traces: list[str],
    fuzz_alive: bool,
    expected: dict[str, list[Signature]],
    crowded: CrowdResult,
    crowd_traces: list[str],
    big: BigResult,
    idle: Resident,
    during: Resident,
    big_traces: list[str],
    big_alive: bool,
) -> list[str]:
    """The results file's lines."""
    server_errors = sum(n for status, n in fuzzed.statuses.items() if status >= 500)
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(fuzzed.statuses.items()))
    problems = ", ".join(f"{k}: {n}" for k, n in fuzzed.problems.most_common()) or "none"
    first = [t * 1000 for t in crowded.first_reply]
    default_rate = load_settings().address_rate
    rows = [
        ("Fuzz: requests answered (and refused by closing)",
         f"{fuzzed.requests} ({fuzzed.closed}) in {fuzzed.seconds:.0f} s, "
         f"{args.concurrency} at a time", ""),
        ("Fuzz: statuses", statuses, "no 5xx"),
        ("Fuzz: server errors (5xx or no response)", str(server_errors), "0"),
        ("Fuzz: crashes (the Rasa server died; it was restarted each time)",
         str(fuzzed.crashes) + (f" ({fuzzed.unanswered_in_crash} requests cut off; "
                                + "; ".join(exits) + ")" if fuzzed.crashes else ""), "0"),
        ("Fuzz: afterwards, the action server still running and a question answered right",
         "yes" if fuzz_alive else "no", "yes"),
        ("Fuzz: replies with a problem (echoed markup, trace, failure message, repeats)",
         problems, "none"),
        ("Fuzz: stack traces in the Rasa log", str(len(fuzz_traces)), "0"),
        ("Fuzz: the resident's latency (a question every 0.5 s)", resident.summary(),
         "max ≤ 1,000 ms"),
        ("Crowd: sessions × messages",
         f"{crowded.sessions} × {args.messages} = {crowded.messages} messages in "
         f"{crowded.seconds:.0f} s ({len(expected)} distinct questions)", ""),
        ("Crowd: distinct session ids confirmed (extra confirms)",
         f"{crowded.distinct_sessions} of {crowded.sessions} ({crowded.extra_confirms})",
         f"{crowded.sessions} (0)"),
        ("Crowd: lost replies (and incomplete ones)",
         f"{crowded.lost} ({crowded.incomplete})", "0"),
        ("Crowd: connections closed mid-conversation (questions not sent)",
         f"{crowded.dropped} ({crowded.unsent})", "0"),
        ("Crowd: duplicated replies", str(crowded.duplicated), "0"),
        ("Crowd: cross-talk (another session's answer)", str(crowded.crossed), "0"),
        ("Crowd: unexpected messages (no question's answer)", str(crowded.unexpected), "0"),
        ("Crowd: first-reply latency", ms(first), "published"),
        ("Crowd: stack traces in the Rasa log", str(len(crowd_traces)), "0"),
        ("1 MB of `<` over REST",
         ", ".join(f"HTTP {s} × {n}" for s, n in sorted(big.rest_statuses.items()))
         + f"; {ms(big.rest_ms)}", "refused"),
        ("1 MB of `<` over socket.io",
         f"connection dropped {big.socket_dropped} of {args.rounds}, answered "
         f"{big.socket_answered}; {ms(big.socket_ms)} until dropped", "refused"),
        *[(f"{limits.max_request_bytes - 64:,} `<` (just under the request limit) over {channel}",
           "; ".join(f"{said!r} × {n}" for said, n in big.under_limit[channel].items())
           + f"; {ms(big.under_limit_ms[channel])}", "cut, then answered")
          for channel in big.under_limit],
        ("Another conversation, idle (a question every 0.25 s for 5 s)", idle.summary(), ""),
        ("Another conversation, during the big messages", during.summary(), "unaffected"),
        ("Big messages: stack traces in the Rasa log; servers still running",
         f"{len(big_traces)}; {'yes' if big_alive else 'no'}", "0; yes"),
    ]  # fmt: skip
    lines = [
        "# Security benchmark results (issue 9)",
        "",
        f"Measured {date.today().isoformat()} on {machine()}, with `python -m bench.security` "
        f"(seed {args.seed}). The server ran with the default limits (requests "
        f"{limits.max_request_bytes:,} bytes, messages {limits.max_message_chars:,} "
        f"characters, metadata {limits.max_metadata_bytes:,} bytes) but its rate limits opened "
        "(`BSOL_RATE_PER_ADDRESS` and `BSOL_RATE_PER_CONVERSATION` = 1000000/1), since all "
        "the load comes from one address; the load generator shares the machine's cores. "
        "The servers' logs of the run are kept in `var/bench-security/`.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        *[f"| {name} | {value} | {target} |" for name, value, target in rows],
        "",
        "## What the figures mean",
        "",
        f"- **Fuzz**: {args.requests:,} REST bodies made by `tests/hostile.py` from a seeded "
        "random generator (the same kinds as `tests/test_fuzz.py`: hostile text, ids, metadata, "
        "deep and huge JSON, wrong types, random and non-UTF-8 bytes), sent "
        f"{args.concurrency} at a time. A *server error* is a 5xx or no response at all; a "
        "body over the request limit may instead be refused by closing the connection, counted "
        "in brackets. A *crash* is the Rasa server process dying: the bench notes its exit and "
        "the bodies in flight, restarts it and goes on. A *problem* is a "
        "reply that echoes markup (`<script`, `<img`, `onerror`), shows a trace (`Traceback`, "
        '`File "`, `Exception`), says the assistant failed or repeats one message.',
        "- **The resident** is another resident asking \"who chairs the ICS?\" every 0.5 s "
        f"during the fuzz, in conversations of {CONVERSATION_QUESTIONS} questions; its "
        "latency is timed by the client and includes the wait behind the fuzz requests in "
        "flight: the server handles one message at a time, so it grows with the fuzz's "
        "concurrency (one address may not send more than the per-address rate limit, "
        f"{default_rate.messages} requests in {default_rate.seconds:g} s by default). "
        "*Wrong* means an answer "
        "without \"Dame Yve Buckland\".",
        f"- **Crowd**: {args.sessions} socket.io clients connected at once, each asking "
        f"{args.messages} different knowledge-base questions, one after another, with no pause. "
        "Each question's reply was first recorded alone over REST (questions sharing a reply "
        "were left out), so every bot message identifies its question. *Lost*: no message of "
        f"the reply within {TIMEOUT_SECONDS:.0f} s (*incomplete*: only part of it). "
        "*Duplicated*: a message of a reply this session had already received. *Cross-talk*: "
        "a message of another session's question (by content), and by session id: every "
        "session confirmed once, with an id no other session got. *First-reply latency*: from "
        "sending a message to the first message of its reply, all messages of all sessions "
        "(with all sessions sending at once it includes the queue behind the others).",
        f"- **Big messages**: each sent {args.rounds} times. 1 MB over REST must be refused "
        "(413, before the body is read); over socket.io the packet is over engine.io's buffer "
        "limit, so the server drops the connection without reading it. A message just under "
        "the request limit is read, cut to the message limit before it is cleaned, and "
        "answered; *another conversation* asked every 0.25 s meanwhile, compared with the same "
        "conversation idle just before.",
    ]
    for title, traces in (("fuzz", fuzz_traces), ("crowd", crowd_traces), ("big", big_traces)):
        if traces:
            lines += ["", f"Traces logged during the {title} (first 3):", ""]
            lines += [f"```\n{trace.strip()}\n```" for trace in traces[:3]]
    if fuzzed.suspects:
        lines += ["", "Bodies in flight (and the last answered) when the server died:", ""]
        for number, suspects in enumerate(fuzzed.suspects[:3], start=1):
            lines += [f"{number}. " + ", ".join(f"`{body[:120]!r}`" for body in suspects)]
    if fuzzed.examples:
        lines += ["", "A body that showed each problem (first 200 bytes):", ""]
        lines += [f"- {kind}: `{body!r}`" for kind, body in fuzzed.examples.items()]
    if crowded.failures:
        lines += ["", "Crowd sessions that could not connect:", ""]
        lines += [f"- {failure}" for failure in crowded.failures[:5]]
    return lines


if __name__ == "__main__":
    sys.exit(main())
