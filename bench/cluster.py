"""Load figures for one and two Rasa servers behind the balancer: ``make bench-cluster``.

In one run, two clusters one after the other (assistant/cluster: PostgreSQL, Redis and nginx on
free localhost ports, rate limits lifted since the whole load comes from one address), the first
with 1 Rasa server, the second with 2, each given the same two loads through the balancer:

A. concurrent socket.io sessions (websocket), each sending its messages one after another, the
   next as soon as the previous one's first reply has come;
B. concurrent REST clients, each sending its messages in one conversation.

Every message asks which PCN a GP practice is in, each client about different practices, and
every reply is checked against its own question: it must hold that practice's postcode and PCN
(from data/directory) and no other practice's, or it is cross-talk. Per load and server count:
messages a second, first-reply latency p50/p95, messages lost, cross-talk, the CPU time each
process used per message (from /proc) and how busy the machine's cores were. Printed and
written to bench/cluster.md. Every wait has a timeout; traffic goes to localhost only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from assistant.cluster.cluster import Cluster, Ports, start_cluster
from assistant.directory.models import Pcn, Practice
from assistant.directory.store import read_pcns, read_practices
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT, VAR_DIR
from assistant.settings import OPEN_RATE_LIMITS
from bench.stats import percentile

RESULTS = Path(__file__).parent / "cluster.md"
# In var/, not a temporary folder: PostgreSQL runs as the postgres user (see tests/test_cluster.py).
FOLDER = VAR_DIR / "bench-cluster"
TIMEOUT_SECONDS = 60.0
WARM_UP_MESSAGES = 5
TARGET_RATIO = 1.8
CLIENTS = "load clients (this process)"
PROC = Path("/proc")


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


# Reading CPU time from /proc (Linux).


def _after_name(stat_line: str) -> list[str]:
    """A /proc/<pid>/stat line's fields after the command name (which may hold spaces)."""
    return stat_line[stat_line.rindex(")") + 2 :].split()


def cpu_ticks(stat_line: str) -> int:
    """User plus system CPU time of a process, in clock ticks, from its stat line."""
    fields = _after_name(stat_line)  # fields[0] is the state (field 3 of proc(5))
    return int(fields[11]) + int(fields[12])  # utime (14) + stime (15)


def parent_pid(stat_line: str) -> int:
    """The parent process id, from a stat line."""
    return int(_after_name(stat_line)[1])


def tree_ticks(pid: int, stats: Mapping[int, str], descendants: bool = True) -> int:
    """CPU ticks of process ``pid`` and (unless not ``descendants``) of its live descendants.

    ``stats`` holds every process's stat line by pid; a process not in it counts 0.
    """
    children: dict[int, list[int]] = {}
    for child, line in stats.items():
        if descendants:
            children.setdefault(parent_pid(line), []).append(child)
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in stats:
            continue
        seen.add(current)
        total += cpu_ticks(stats[current])
        todo += children.get(current, [])
    return total


def machine_ticks(proc_stat: str) -> tuple[int, int]:
    """All cores' busy and total CPU ticks, from /proc/stat ("cpu" line; guest is in user)."""
    values = [int(value) for value in proc_stat.splitlines()[0].split()[1:9]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def read_stats(proc: Path = PROC) -> dict[int, str]:
    """Every process's stat line, by pid (processes that end meanwhile are left out)."""
    stats = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text()
            except OSError:
                continue
    return stats


@dataclass(frozen=True)
class Watched:
    """A process whose CPU time is measured.

    Attributes:
        label: What it is, for the table.
        node: The node it belongs to; empty for one the nodes share.
        pid: Its process id.
        children: Whether its child processes count too (PostgreSQL's backends, nginx's
            workers); not for this process, whose children are the cluster's servers.
    """

    label: str
    node: str
    pid: int
    children: bool = True


@dataclass(frozen=True)
class Snapshot:
    """CPU ticks of each watched process (by label) and of the machine, at one moment."""

    ticks: dict[str, int]
    busy: int
    total: int
    at: float


def snapshot(watched: Sequence[Watched], proc: Path = PROC) -> Snapshot:
    """The CPU ticks used so far by each watched process (with its children) and by the machine."""
    stats = read_stats(proc)
    busy, total = machine_ticks((proc / "stat").read_text())
    ticks = {w.label: tree_ticks(w.pid, stats, w.children) for w in watched}
    return Snapshot(ticks, busy, total, time.perf_counter())


def watched_processes(cluster: Cluster) -> list[Watched]:
    """The cluster's processes and this one (the load clients), labelled."""
    watched = []
    for node, stack in cluster.nodes.items():
        watched.append(Watched(f"{node} Rasa server", node, stack.processes["rasa"].pid))
        watched.append(Watched(f"{node} action server", node, stack.processes["actions"].pid))
    services = list(cluster.shared.values())
    if cluster.balancer is not None:
        services.append(cluster.balancer)
    watched += [Watched(s.name, "", s.pid) for s in services if s.pid is not None]
    watched.append(Watched(CLIENTS, "", os.getpid(), children=False))
    return watched


@dataclass(frozen=True)
class Usage:
    """CPU seconds one process used during a load, and the messages it handled there."""

    label: str
    seconds: float
    messages: int

    @property
    def ms_per_message(self) -> float:
        """CPU milliseconds per message it handled."""
        return 1000 * self.seconds / self.messages if self.messages else float("nan")


def usages(
    watched: Sequence[Watched], before: Snapshot, after: Snapshot, tally: Tally, clock: int
) -> list[Usage]:
    """Each process's CPU seconds between two snapshots; a node's processes handled what it
    answered, the shared ones every answered message."""
    answered = sum(tally.served.values())
    return [
        Usage(w.label, (after.ticks[w.label] - before.ticks[w.label]) / clock,
              tally.served[w.node] if w.node else answered)
        for w in watched
    ]  # fmt: skip


@dataclass(frozen=True)
class Measured:
    """One load on one cluster: what it saw, what each process spent, how busy the cores were."""

    load: str
    servers: int
    tally: Tally
    usage: list[Usage]
    busy: float  # share of all cores' time busy (everyone's work on the machine)
    ours: float  # share of all cores' time the watched processes used
    window: float  # seconds between the CPU snapshots (the whole load, connecting included)


# The loads.


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


# Running the clusters.


@contextmanager
def running_cluster(servers: int, model: Path) -> Iterator[Cluster]:
    """A cluster of ``servers`` Rasa servers on free ports, in a fresh var/bench-cluster."""
    shutil.rmtree(FOLDER, ignore_errors=True)
    ports = Ports(
        balancer=free_port(), postgresql=free_port(), redis=free_port(),
        nodes=tuple((free_port(), free_port()) for _ in range(servers)),
    )  # fmt: skip
    cluster = start_cluster(
        servers, folder=FOLDER, ports=ports, model=model, environment=OPEN_RATE_LIMITS
    )
    try:
        yield cluster
    finally:
        cluster.stop()


def measure(
    cluster: Cluster, questions: Sequence[Question], load: Load, log: Callable[[str], None]
) -> list[Measured]:
    """Warm each node up, then load A (socket.io) and load B (REST) through the balancer."""
    for stack in cluster.nodes.values():
        for question in questions[:WARM_UP_MESSAGES]:
            ask(stack.url, question.text)
    answers = frozenset(q.answer for q in questions)
    watched = watched_processes(cluster)
    clock = os.sysconf("SC_CLK_TCK")
    runs = []
    for name, run, clients, messages in (
        ("socket.io", socket_load, load.sessions, load.messages),
        ("REST", rest_load, load.rest_clients, load.rest_messages),
    ):
        before = snapshot(watched)
        tally = asyncio.run(run(cluster.url, plans(questions, clients, messages), answers,
                                TIMEOUT_SECONDS))  # fmt: skip
        after = snapshot(watched)
        used = usages(watched, before, after, tally, clock)
        window = (after.total - before.total) or 1
        ours = sum(u.seconds for u in used) * clock / window
        runs.append(Measured(name, len(cluster.nodes), tally, used,
                             (after.busy - before.busy) / window, ours,
                             after.at - before.at))  # fmt: skip
        log(f"{len(cluster.nodes)} server(s), {name}: {tally.rate:.1f} msg/s, lost {tally.lost}, "
            f"cross-talk {tally.crossed}, served {dict(tally.served)}"
            + (f", errors {tally.failures}" if tally.failures else ""))  # fmt: skip
    return runs


# The report.


def ratio(runs: Sequence[Measured], load: str) -> float:
    """The 2-server messages a second over the 1-server's, for one load (NaN without both)."""
    rates = {run.servers: run.tally.rate for run in runs if run.load == load}
    return rates[2] / rates[1] if rates.get(1) and 2 in rates else float("nan")


def describe(load_name: str, load: Load) -> str:
    """What a load sends, in words."""
    if load_name == "socket.io":
        return f"socket.io, {load.sessions} sessions × {load.messages} messages"
    return f"REST, {load.rest_clients} clients × {load.rest_messages} messages"


def ms(seconds: float) -> str:
    """Seconds as whole milliseconds, with thousands separated."""
    return f"{seconds * 1000:,.0f} ms"


def server_ms_per_message(run: Measured) -> float:
    """CPU ms per message of every server-side process together (all but the load clients)."""
    answered = sum(run.tally.served.values())
    seconds = sum(u.seconds for u in run.usage if u.label != CLIENTS)
    return 1000 * seconds / answered if answered else float("nan")


def cores_used(run: Measured, *label_parts: str) -> float:
    """How many cores, on average over a load, the processes whose label holds a part used."""
    seconds = sum(u.seconds for u in run.usage if any(part in u.label for part in label_parts))
    return seconds / run.window if run.window > 0 else float("nan")


def ceiling(two: Measured, one: Measured, cores: int) -> float:
    """The best 2-server ratio ``cores`` allow, each message costing what it cost here.

    The cores left for the Rasa servers once the action servers, shared services and load
    clients have had theirs (as in the 2-server run), over the cores one Rasa server used.
    """
    rest = cores_used(two, "action server", "PostgreSQL", "Redis", "nginx", CLIENTS)
    alone = cores_used(one, "Rasa server")
    return (cores - rest) / alone if alone > 0 else float("nan")


def limits(runs: Sequence[Measured], load: Load, cores: int) -> str:
    """The paragraph on what limits the 2-server figure, from the runs' CPU figures."""
    two = [run for run in runs if run.servers == 2]
    one = {run.load: run for run in runs if run.servers == 1}
    parts = []
    for run in two:
        alone = f"{cores_used(one[run.load], 'Rasa server'):.1f}" if run.load in one else "?"
        parts.append(
            f"{describe(run.load, load)}, {ratio(runs, run.load):.2f}×: with 1 server its Rasa "
            f"server used {alone} of the {cores} cores; with 2 the Rasa servers used "
            f"{cores_used(run, 'Rasa server'):.1f}, their action servers "
            f"{cores_used(run, 'action server'):.2f}, PostgreSQL, Redis and nginx "
            f"{cores_used(run, 'PostgreSQL', 'Redis', 'nginx'):.2f}, the load clients "
            f"{cores_used(run, CLIENTS):.2f} and other work on the machine "
            f"{max(0.0, run.busy - run.ours) * cores:.1f} (the cores {run.busy:.0%} busy); on "
            f"an otherwise idle machine the ceiling would be about "
            f"{ceiling(run, one[run.load], cores) if run.load in one else float('nan'):.2f}× "
            "(the cores the Rasa servers could have over the cores one used)"
        )
    full = bool(two) and min(run.busy for run in two) >= 0.9
    verdict = (
        f"The {cores} cores are what limits it: they were close to fully busy, and a second Rasa "
        "server can only use the CPU time the first one, the action servers, PostgreSQL, Redis, "
        "nginx, the load clients (this benchmark, on the same cores) and anything else the "
        "machine runs leave free."
        if full
        else f"The {cores} cores were not fully busy, so the rest of the limit lies elsewhere "
        "(waiting on PostgreSQL and the Redis lock, or the clients sending each message only "
        "after the previous reply)."
    )
    per_core = ", ".join(
        f"{describe(run.load, load)} {server_ms_per_message(run):.0f} ms, so about "
        f"{1000 / server_ms_per_message(run):.0f} messages a second per core"
        for run in two
        if server_ms_per_message(run) > 0
    )
    return (
        f"Two servers against one, messages a second: {'; '.join(parts)}. {verdict} A bigger "
        "machine's figure follows from the CPU time per message: with 2 servers, all the "
        f"server-side processes together used {per_core}. A machine with N cores to spare for "
        "Rasa servers (one server per core, its action server beside it) would answer about N "
        "times that, as long as PostgreSQL and Redis (a small part of each message's CPU time "
        "here) keep up."
    )


def render(runs: Sequence[Measured], load: Load, when: date, cores: int, commit: str,
           load_average: float) -> str:  # fmt: skip
    """bench/cluster.md: the date, cores and commit, the two tables, what limits the ratio."""
    lines = [
        "# One and two Rasa servers behind the balancer (issue 13)",
        "",
        f"Measured {when.isoformat()} on {cores} cores (load average {load_average:.2f} when it "
        f"started), commit {commit}, by `make bench-cluster`: each cluster (PostgreSQL, Redis, "
        "nginx and 1 or 2 Rasa servers with their action servers) started, loaded and stopped "
        "in the same run. Every message asks which PCN a GP practice is in; every reply is "
        "checked against its question (the practice's postcode and PCN). Lost: no reply within "
        f"{TIMEOUT_SECONDS:.0f} s, an HTTP error, or not sent because the connection failed. "
        "Latency: from sending to the first bot message.",
        "",
        "| load | servers | messages/s | first reply p50 | p95 | lost | cross-talk | answered by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        tally = run.tally
        latencies = tally.first_reply or [float("nan")]
        served = ", ".join(f"{node or '?'} {count}" for node, count in sorted(tally.served.items()))
        lines.append(
            f"| {describe(run.load, load)} | {run.servers} | {tally.rate:.1f} | "
            f"{ms(percentile(latencies, 0.5))} | {ms(percentile(latencies, 0.95))} | "
            f"{tally.lost} of {tally.messages} | {tally.crossed} | {served} |"
        )
    for name in dict.fromkeys(run.load for run in runs):
        value = ratio(runs, name)
        verdict = "met" if value >= TARGET_RATIO else "not met"
        lines.append(f"| {describe(name, load)}: 2 servers / 1 | | {value:.2f}× "
                     f"(target ≥ {TARGET_RATIO}×, {verdict}) | | | | | |")  # fmt: skip
    lines += [
        "",
        "## CPU time per message",
        "",
        "From /proc/<pid>/stat (user + system, the process and its children) before and after "
        "each load. A node's Rasa and action server are divided by the messages that node "
        "answered; PostgreSQL, Redis, nginx and the load clients by all answered messages. "
        "Cores busy: the whole machine (/proc/stat), other users' work included.",
        "",
        "| load | servers | process | CPU s | messages | CPU ms per message |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        for use in run.usage:
            lines.append(
                f"| {describe(run.load, load)} | {run.servers} | {use.label} | "
                f"{use.seconds:.1f} | {use.messages} | {use.ms_per_message:.1f} |"
            )
        lines.append(
            f"| {describe(run.load, load)} | {run.servers} | all server-side processes | | | "
            f"{server_ms_per_message(run):.1f} (cores {run.busy:.0%} busy over "
            f"{run.window:.0f} s) |"
        )
    lines += ["", "## What limits the ratio", "", limits(runs, load, cores), ""]
    return "\n".join(lines)


def commit_of(root: Path = PROJECT_ROOT) -> str:
    """The checked-out commit (short), marked when the work tree has changes."""

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True,
                              check=True, timeout=10)  # fmt: skip
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head} (with local changes)" if dirty else head


def main() -> int:
    """Measure 1 then 2 servers under both loads; print and write bench/cluster.md."""
    defaults = Load()
    parser = argparse.ArgumentParser(
        prog="python -m bench.cluster", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--sessions", type=int, default=defaults.sessions,
                        help="concurrent socket.io sessions (load A)")  # fmt: skip
    parser.add_argument("--messages", type=int, default=defaults.messages,
                        help="messages each socket.io session sends")  # fmt: skip
    parser.add_argument("--rest-clients", type=int, default=defaults.rest_clients,
                        help="concurrent REST clients (load B)")  # fmt: skip
    parser.add_argument("--rest-messages", type=int, default=defaults.rest_messages,
                        help="messages each REST client sends, in one conversation")  # fmt: skip
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the trained model")
    args = parser.parse_args()
    load = Load(args.sessions, args.messages, args.rest_clients, args.rest_messages)
    if min(load.sessions, load.messages, load.rest_clients, load.rest_messages) < 1:
        parser.error("every load figure must be at least 1")
    load_average = os.getloadavg()[0]
    candidates = practice_questions(read_practices(), read_pcns())
    runs: list[Measured] = []
    with running_cluster(1, args.model) as cluster:
        questions = calibrate(cluster.url, candidates)
        sizes = sorted({q.replies for q in questions})
        print(f"{len(questions)} of {len(candidates)} practice questions answered right alone "
              f"(replies of {sizes} messages)", flush=True)  # fmt: skip
        if len(questions) < max(load.messages, load.rest_messages):
            print("Too few questions are answered right to run the loads.", file=sys.stderr)
            return 1
        runs += measure(cluster, questions, load, log=lambda text: print(text, flush=True))
    with running_cluster(2, args.model) as cluster:
        runs += measure(cluster, questions, load, log=lambda text: print(text, flush=True))
    shutil.rmtree(FOLDER, ignore_errors=True)
    text = render(runs, load, date.today(), os.cpu_count() or 1, commit_of(), load_average)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
