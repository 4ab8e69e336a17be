"""This assistant side by side with a bare Rasa bot: ``make bench-side-by-side``.

The bare bot is what ``rasa init --no-prompt`` makes: created in a temporary folder, trained
there from scratch (timed) and started with ``rasa run --enable-api`` on 127.0.0.1. This
assistant is trained from scratch in a copy of the project (timed, as ``make bench`` does) and
served from the trained model with the launcher. Each bot then gets the same load, one at a
time: sequential REST requests (reply latency p50 and p95), then concurrent REST clients sending
back to back (messages per second). The figures and their ratios (this assistant / bare bot)
are printed and written to bench/side_by_side.md. Traffic goes to localhost only.
"""

import argparse
import asyncio
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from types import FrameType

import aiohttp

from assistant import launcher
from assistant.language.registry import Registry, default_registry
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL
from assistant.settings import OPEN_RATE_LIMITS
from bench import training
from bench.heldout import HeldOutQuestion, load_heldout
from bench.stats import percentile
from bench.understanding import ENGLISH, question_language

RESULTS = Path(__file__).parent / "side_by_side.md"
HOST = "127.0.0.1"
BARE_MODEL_NAME = "bare"
# What the bare bot was made for (its data/nlu.yml intents: greet, mood, affirm, deny, bot
# challenge, goodbye), phrased partly unlike its training examples.
BARE_MESSAGES = (
    "hello",
    "I am sad",
    "yes",
    "good morning",
    "I am feeling great",
    "no",
    "are you a bot?",
    "not really",
    "see you later",
    "goodbye",
)
# A client starts a new conversation after this many messages, with both bots: a conversation
# that never ends gets slower by itself (each message replays its stored events), and residents'
# conversations are short. It matches bench/security.py's residents.
CONVERSATION_MESSAGES = 10
WARM_UP_MESSAGES = 10
TIMEOUT_SECONDS = 60.0
STOP_SECONDS = 20.0
TARGETS = {"p50": "≤ 1.0", "throughput": "≥ 1.0"}


@dataclass(frozen=True)
class BotFigures:
    """One bot's figures.

    Attributes:
        training_seconds: A training run from scratch (``--force``), command start to end.
        p50_ms: Median reply latency of the sequential REST requests, in ms.
        p95_ms: 95th percentile of the same, in ms.
        throughput: Messages answered per second with the concurrent clients.
        failed: Requests of either load that got no 200 reply (errors, timeouts).
    """

    training_seconds: float
    p50_ms: float
    p95_ms: float
    throughput: float
    failed: int = 0


@dataclass(frozen=True)
class Comparison:
    """Both bots' figures and how this assistant compares (ratios are ours / bare).

    A latency or training ratio below 1 means this assistant is faster; a throughput ratio
    above 1 means it answers more messages per second.
    """

    bare: BotFigures
    ours: BotFigures
    training_ratio: float
    p50_ratio: float
    p95_ratio: float
    throughput_ratio: float


@dataclass(frozen=True)
class Load:
    """The load each bot gets: ``requests`` sequential, then ``clients`` x ``messages``."""

    requests: int = 200
    clients: int = 16
    messages: int = 25


@dataclass(frozen=True)
class LoadFigures:
    """What a load measured: the sequential latencies (ms), the throughput, the failures."""

    latencies_ms: list[float]
    throughput: float
    failed: int


def ratio(ours: float, bare: float) -> float:
    """``ours / bare``; NaN when the bare figure is not positive (nothing to compare with)."""
    return ours / bare if bare > 0 else float("nan")


def compare(bare: BotFigures, ours: BotFigures) -> Comparison:
    """Both bots' figures with the ratios of this assistant's to the bare bot's."""
    return Comparison(
        bare=bare,
        ours=ours,
        training_ratio=ratio(ours.training_seconds, bare.training_seconds),
        p50_ratio=ratio(ours.p50_ms, bare.p50_ms),
        p95_ratio=ratio(ours.p95_ms, bare.p95_ms),
        throughput_ratio=ratio(ours.throughput, bare.throughput),
    )


def figures(training_seconds: float, load: LoadFigures) -> BotFigures:
    """A bot's figures from its training time and what its load measured."""
    if not load.latencies_ms:
        raise ValueError("no request was answered: there is no latency to report")
    return BotFigures(
        training_seconds=training_seconds,
        p50_ms=statistics.median(load.latencies_ms),
        p95_ms=percentile(load.latencies_ms, 0.95),
        throughput=load.throughput,
        failed=load.failed,
    )


def english_questions(questions: Sequence[HeldOutQuestion], registry: Registry) -> list[str]:
    """The texts of the English held-out questions."""
    return [q.text for q in questions if question_language(q, registry) == ENGLISH]


def cycled(texts: Sequence[str], count: int, start: int = 0) -> list[str]:
    """``count`` texts taken in turn from ``texts``, from index ``start``, going round again."""
    if not texts:
        raise ValueError("no texts to send")
    return [texts[(start + index) % len(texts)] for index in range(count)]


def new_sender(own_ids: bool, client: int, conversation: int) -> str | None:
    """The ``sender`` that starts a conversation.

    This assistant issues its own conversation ids (``own_ids``): it is sent none and its
    ``recipient_id`` is used afterwards. Rasa's own REST channel takes any id, and puts every
    message without one in the same conversation ("default"), so each gets an id of its own.
    """
    return None if own_ids else f"bench-{client}-{conversation}"


def fmt_ratio(value: float) -> str:
    """A ratio with two decimals, or a dash when there is none."""
    return "—" if value != value else f"{value:.2f}"  # NaN is not equal to itself


def fmt_ms(value: float) -> str:
    """Milliseconds: whole ones, with a decimal below 10 ms."""
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def table_rows(result: Comparison, load: Load) -> list[tuple[str, str, str, str, str]]:
    """The table's rows: measure, bare bot, this assistant, ratio, target."""
    bare, ours = result.bare, result.ours
    return [
        ("Training from scratch", f"{bare.training_seconds:.0f} s",
         f"{ours.training_seconds:.0f} s", fmt_ratio(result.training_ratio), ""),
        (f"REST reply latency p50 ({load.requests} sequential requests)", fmt_ms(bare.p50_ms),
         fmt_ms(ours.p50_ms), fmt_ratio(result.p50_ratio), TARGETS["p50"]),
        (f"REST reply latency p95 ({load.requests} sequential requests)", fmt_ms(bare.p95_ms),
         fmt_ms(ours.p95_ms), fmt_ratio(result.p95_ratio), ""),
        (f"Throughput, {load.clients} concurrent REST clients x {load.messages} messages",
         f"{bare.throughput:.1f} msg/s", f"{ours.throughput:.1f} msg/s",
         fmt_ratio(result.throughput_ratio), TARGETS["throughput"]),
        ("Requests without a 200 reply", str(bare.failed), str(ours.failed), "", ""),
    ]  # fmt: skip


def met(result: Comparison) -> str:
    """Which targets the ratios meet, in words."""
    p50 = "met" if result.p50_ratio <= 1.0 else "not met"
    throughput = "met" if result.throughput_ratio >= 1.0 else "not met"
    return f"p50 ratio target {p50}, throughput ratio target {throughput}"


def render(result: Comparison, load: Load, when: date, cores: int | None, rasa_version: str) -> str:
    """The results file: a header line, the table, and what the figures mean (Markdown)."""
    lines = [
        "# This assistant side by side with a bare `rasa init` bot",
        "",
        f"Measured {when.isoformat()} on {cores or '?'} cores, Rasa {rasa_version}, "
        f"Python {platform.python_version()}; both bots trained and started in the same run.",
        "",
        "| measure | bare rasa init | this assistant | ratio | target |",
        "|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in table_rows(result, load)],
        "",
        f"Targets (reported, never asserted): {met(result)}.",
        "",
        "## What the figures mean",
        "",
        "Ratios are this assistant's figure divided by the bare bot's: below 1 for latency and "
        "training means this assistant is faster, above 1 for throughput means it answers more "
        "messages a second. The bare bot is Rasa's starter project as `rasa init` makes it "
        "(default pipeline and policies, conversations kept in memory, no action server); this "
        "assistant runs its own components, keeps conversations in SQLite and calls its action "
        "server for answers, so the ratios are the price (or gain) of all that over plain Rasa "
        "on the same machine. Both bots are trained from scratch (`rasa train --force`) and get "
        "the same load, one bot at a time: after a warm-up, sequential requests to "
        "`POST /webhooks/rest/webhook` (latency as the client sees it, over localhost), then "
        "concurrent clients each sending back to back (messages a second = answered messages / "
        "wall time). Each bot is asked its own kind of messages: the bare bot its greetings and "
        "moods, this assistant the English held-out questions (tests/data/heldout). Every "
        f"client starts a new conversation after {CONVERSATION_MESSAGES} messages. This "
        "assistant's rate limits are lifted for the run, since all the load comes from one "
        "address. The clients run on the same cores as the servers, so the throughput is a "
        "lower bound of what the servers would do alone.",
        "",
    ]
    return "\n".join(lines)


# Sending the load.


async def converse(
    session: aiohttp.ClientSession, url: str, texts: Sequence[str], own_ids: bool, client: int
) -> tuple[list[float], int]:
    """Send ``texts`` one after the other, as one client: each reply's latency (ms), failures.

    The client continues its conversation with the ``recipient_id`` of each reply and starts a
    new one every :data:`CONVERSATION_MESSAGES` messages.
    """
    timings: list[float] = []
    failed = 0
    sender: str | None = None
    for index, text in enumerate(texts):
        if index % CONVERSATION_MESSAGES == 0:
            sender = new_sender(own_ids, client, index // CONVERSATION_MESSAGES)
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as reply:
                payload = await reply.json() if reply.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            payload = None
        if payload is None:
            failed += 1
            continue
        timings.append((time.perf_counter() - started) * 1000)
        if isinstance(payload, list) and payload and isinstance(payload[0], dict):
            sender = payload[0].get("recipient_id", sender)
    return timings, failed


async def apply_load(url: str, texts: Sequence[str], own_ids: bool, load: Load) -> LoadFigures:
    """Warm up, then the sequential requests, then the concurrent clients."""
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await converse(session, url, cycled(texts, WARM_UP_MESSAGES), own_ids, -1)
        latencies, failed = await converse(session, url, cycled(texts, load.requests), own_ids, 0)
        started = time.perf_counter()
        # Each client starts at its own place in the texts, so they do not all ask alike.
        clients = [cycled(texts, load.messages, start=7 * client) for client in range(load.clients)]
        results = await asyncio.gather(
            *[converse(session, url, sent, own_ids, n + 1) for n, sent in enumerate(clients)]
        )
        wall = time.perf_counter() - started
    answered = sum(len(timings) for timings, _ in results)
    failed += sum(client_failed for _, client_failed in results)
    return LoadFigures(latencies, answered / wall if wall > 0 else 0.0, failed)


# The bare bot.


def rasa_environment() -> dict[str, str]:
    """The environment Rasa commands run in: this one, with telemetry off and TF quiet."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def run_rasa(arguments: Sequence[str], cwd: Path) -> None:
    """Run a Rasa command in ``cwd``.

    Raises:
        RuntimeError: If it fails; the message ends with the last lines of its output.
    """
    done = subprocess.run(
        [sys.executable, "-m", "rasa", *arguments], cwd=cwd, env=rasa_environment(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"`rasa {' '.join(arguments)}` failed ({done.returncode}):\n{tail}")


def make_bare_bot(folder: Path) -> tuple[Path, float]:
    """Make the ``rasa init`` bot in ``folder`` and train it from scratch: its model, seconds.

    ``rasa init --no-prompt`` copies Rasa's starter project (no network) and trains a first
    model; the timed run is a ``rasa train --force`` after it, so no cached step is reused.
    """
    folder.mkdir(parents=True, exist_ok=True)
    run_rasa(["init", "--no-prompt", "--init-dir", str(folder)], cwd=folder)
    started = time.monotonic()
    run_rasa(["train", "--out", "models", "--fixed-model-name", BARE_MODEL_NAME, "--force"],
             cwd=folder)  # fmt: skip
    seconds = time.monotonic() - started
    model = folder / "models" / f"{BARE_MODEL_NAME}.tar.gz"
    if not model.exists():
        raise RuntimeError(f"`rasa train` made no {model}")
    return model, seconds


@contextmanager
def serving_bare_bot(folder: Path, model: Path) -> Iterator[str]:
    """Serve the bare bot on a free port of 127.0.0.1 for a ``with`` block: its base URL.

    Ready when ``/status`` answers (the model is loaded); stopped on leaving, even on error.
    """
    port = free_port()
    launcher.check_port_free("rasa", HOST, port)
    log = folder / "rasa.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(model),
             "--interface", HOST, "--port", str(port),
             "--credentials", str(folder / "credentials.yml"),
             "--endpoints", str(folder / "endpoints.yml")],
            cwd=folder, env=rasa_environment(), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://{HOST}:{port}"
    try:
        launcher.wait_until_ready(
            "rasa", process, f"{url}/status", (HOST, port), log, threading.Event()
        )
        yield url
    finally:
        stop(process)


def stop(process: "subprocess.Popen[bytes]") -> None:
    """Stop a server, politely first."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# This assistant.


def measure_assistant(model: Path, folder: Path, texts: Sequence[str], load: Load) -> LoadFigures:
    """Start this assistant (rate limits lifted) in ``folder``, apply the load, stop it."""
    with launcher.running(
        model=model, port=free_port(), action_port=free_port(),
        tracker_db=folder / "tracker.db", log_dir=folder / "logs",
        environment=OPEN_RATE_LIMITS,
    ) as stack:  # fmt: skip
        return asyncio.run(apply_load(stack.url, texts, True, load))


def say(text: str) -> None:
    """Say how far the run is, at once."""
    print(text, flush=True)


def side_by_side(load: Load, log: Callable[[str], None] = say) -> Comparison:
    """Make, train and measure both bots, one at a time; remove everything made on return."""
    questions = english_questions(load_heldout(), default_registry())
    with tempfile.TemporaryDirectory(prefix="bench-side-by-side-") as tmp:
        folder = Path(tmp)
        model = folder / DEFAULT_MODEL.name  # a copy: a retrain meanwhile changes nothing
        shutil.copy2(DEFAULT_MODEL, model)
        log("Bare bot: rasa init and training...")
        bare_model, bare_training = make_bare_bot(folder / "bare")
        log(f"Bare bot trained in {bare_training:.0f} s. This assistant: training...")
        our_training = training.training_seconds(folder / "ours")
        shutil.rmtree(folder / "ours", ignore_errors=True)
        log(f"This assistant trained in {our_training:.0f} s. Bare bot: load...")
        with serving_bare_bot(folder / "bare", bare_model) as url:
            bare_load = asyncio.run(apply_load(url, BARE_MESSAGES, False, load))
        log(f"This assistant: load ({len(questions)} English held-out questions)...")
        our_load = measure_assistant(model, folder / "run", questions, load)
    return compare(figures(bare_training, bare_load), figures(our_training, our_load))


def _exit_on_sigterm(signum: int, _: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # runs the clean-ups, as Ctrl-C does


def main() -> int:
    """Measure both bots, print the table and write bench/side_by_side.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.side_by_side", description=__doc__)
    parser.add_argument("--requests", type=int, default=Load.requests,
                        help="sequential requests per bot")  # fmt: skip
    parser.add_argument("--clients", type=int, default=Load.clients, help="concurrent clients")
    parser.add_argument("--messages", type=int, default=Load.messages,
                        help="messages each concurrent client sends")  # fmt: skip
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    load = Load(requests=args.requests, clients=args.clients, messages=args.messages)
    result = side_by_side(load)
    text = render(result, load, date.today(), os.cpu_count(), metadata.version("rasa"))
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
