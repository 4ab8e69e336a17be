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
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.cluster import services
from assistant.cluster.cluster import Cluster, Ports, postgresql_folder, start_cluster
from assistant.directory.store import read_pcns, read_practices
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT, VAR_DIR
from assistant.settings import OPEN_RATE_LIMITS
from bench.cluster_load import (
    TIMEOUT_SECONDS,
    Load,
    Question,
    Tally,
    ask,
    calibrate,
    plans,
    practice_questions,
    rest_load,
    socket_load,
)
from bench.cpu_time import Usage, Watched, snapshot, usages
from bench.stats import percentile

RESULTS = Path(__file__).parent / "cluster.md"
# In var/, not a temporary folder: PostgreSQL runs as the postgres user (see tests/test_cluster.py).
FOLDER = VAR_DIR / "bench-cluster"
WARM_UP_MESSAGES = 5
TARGET_RATIO = 1.8
CLIENTS = "load clients (this process)"


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
class Measured:
    """One load on one cluster: what it saw, what each process spent, how busy the cores were."""

    load: str
    servers: int
    tally: Tally
    usage: list[Usage]
    busy: float  # share of all cores' time busy (everyone's work on the machine)
    ours: float  # share of all cores' time the watched processes used
    window: float  # seconds between the CPU snapshots (the whole load, connecting included)


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
        services.remove_postgresql_files(postgresql_folder(FOLDER))


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
            f"{max(0.0, run.busy - run.ours) * cores:.1f} (the cores {run.busy:.0%} busy)"
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
