"""Measure the assistant and write bench/results.md: ``make bench`` (or ``python -m bench``).

Training time (a fresh, uncached training run), start-up time, REST reply latency (p50/p95,
including the action server round trip), what a GP directory answer adds to a reply, the Rasa
server's resident memory, and accuracy on the held-out questions (also the directory's).
Traffic goes to localhost only, in a bounded loop.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

import yaml

from assistant import launcher
from assistant.directory.answers import default_directory_answers
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT
from bench import directory
from bench.accuracy import evaluate, report
from bench.heldout import load_heldout
from bench.stats import percentile
from bench.training import training_seconds
from bench.widget import gzipped_kb, launcher_visible_ms

RESULTS = Path(__file__).parent / "results.md"
DECISIONS = PROJECT_ROOT / "tests" / "data" / "language_decisions.yml"


def resident_memory_mb(pid: int) -> float:
    """The resident set size of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_latency(
    url: str, texts: list[str], rounds: int, language: str | None = None
) -> list[float]:
    """Milliseconds per REST reply, sequentially, ``rounds`` times over ``texts``.

    With ``language``, each message carries it as the resident's explicit choice.
    """
    timings = []
    metadata = {"language": language} if language else {}
    for round_number in range(rounds):
        for index, text in enumerate(texts):
            sender = f"bench-{language or 'en'}-{round_number}-{index}"
            body = json.dumps({"sender": sender, "message": text, "metadata": metadata}).encode()
            request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body)
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as reply:
                reply.read()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def language_decisions() -> tuple[int, int]:
    """How many cases of the language-decision table are decided as expected."""
    from assistant.language import decide, default_registry

    cases = yaml.safe_load(DECISIONS.read_text(encoding="utf-8"))["cases"]
    registry = default_registry()
    right = sum(
        decide(c["explicit"], c["conversation"], c["text"], registry).language == c["language"]
        for c in cases
    )
    return right, len(cases)


def main() -> int:
    """Run the benchmarks and write the results file."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--skip-training", action="store_true", help="do not time a training run")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    if not args.skip_training:
        with tempfile.TemporaryDirectory() as tmp:
            seconds = training_seconds(Path(tmp))
        rows.append(("Training from scratch", f"{seconds:.0f} s", "≤ 180 s"))

    questions = [q.text for q in load_heldout()]
    directory_questions = directory.load_directory_questions()
    english_directory = [q.text for q in directory_questions if q.language == "en"]
    demo_port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        stack = launcher.start(
            model=DEFAULT_MODEL, port=free_port(), action_port=free_port(),
            tracker_db=Path(tmp) / "tracker.db", log_dir=Path(tmp) / "logs",
            allowed_origins=[f"http://127.0.0.1:{demo_port}"],
        )  # fmt: skip
        try:
            ready = time.monotonic() - started
            measure_latency(stack.url, questions[:10], 1)  # warm up
            timings = measure_latency(stack.url, questions, args.rounds)
            urdu = measure_latency(stack.url, questions, args.rounds, language="ur")
            # The same number of knowledge-base questions, side by side in the same run.
            asked = measure_latency(stack.url, questions[: len(english_directory)], args.rounds)
            gp = measure_latency(stack.url, english_directory, args.rounds)
            memory = resident_memory_mb(stack.processes["rasa"].pid)
            action_memory = resident_memory_mb(stack.processes["actions"].pid)
            widget_kb = gzipped_kb(stack.url)
            socket_io_kb = gzipped_kb(stack.url, ("socket.io.min.js",))
            launcher_ms = launcher_visible_ms(stack.url, demo_port)
        finally:
            stack.stop()
    extra = statistics.median(urdu) / statistics.median(timings) - 1
    answers = default_directory_answers()
    composing = directory.answer_times_ms(answers, directory_questions)
    added = statistics.median(gp) - statistics.median(asked)
    rows += [
        ("Start-up (both servers ready)", f"{ready:.0f} s", "≤ 60 s"),
        ("REST reply latency p50", f"{statistics.median(timings):.0f} ms", "≤ 60 ms"),
        ("REST reply latency p95", f"{percentile(timings, 0.95):.0f} ms", "≤ 150 ms"),
        (
            "Same questions with Urdu chosen (curated replies), p50",
            f"{statistics.median(urdu):.0f} ms ({extra:+.0%})",
            "≤ +20 %",
        ),
        (
            "What a directory answer adds to a reply: naming check (NLU) + composing the "
            "answer (action), p50 / p95",
            f"{statistics.median(composing):.2f} / {percentile(composing, 0.95):.2f} ms",
            "≤ 5 ms",
        ),
        (
            "GP directory questions, REST p50, beside as many knowledge-base questions "
            "(other questions, so ± a few ms from run to run)",
            f"{statistics.median(gp):.0f} ms ({added:+.1f} ms; "
            f"KB {statistics.median(asked):.0f} ms)",
            "",
        ),
        ("Rasa server resident memory", f"{memory:.0f} MB", "≤ 1,536 MB"),
        ("Action server resident memory", f"{action_memory:.0f} MB", ""),
        (
            "Widget script (with its settings) + stylesheet, gzipped",
            f"{widget_kb:.1f} KB (socket.io client: {socket_io_kb:.1f} KB)",
            "≤ 30 KB",
        ),
        ("Widget launcher visible after page load (median of 10 cold loads)",
         f"{launcher_ms:.0f} ms", "≤ 1,000 ms"),
    ]
    right, total = language_decisions()
    rows.append(
        (
            "Language decisions right (tests/data/language_decisions.yml)",
            f"{right}/{total} = {right / total:.0%}",
            "≥ 97 %",
        )
    )
    predictions = evaluate()
    right = sum(p.correct for p in predictions)
    rows.append(
        (
            "Held-out questions answered by the right entry",
            f"{right}/{len(predictions)} = {right / len(predictions):.0%}",
            "",
        )
    )

    lines = [
        "# Benchmark results",
        "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {len(timings)} sequential English REST requests "
        f"(the held-out questions, {args.rounds} passes).",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        *[f"| {name} | {value} | {target} |" for name, value, target in rows],
        "",
        "## Accuracy on the held-out questions",
        "",
        report(predictions),
        "",
        "## GP directory: held-out questions (tests/data/heldout_directory)",
        "",
        "The right intent, and the answer holds the expected PCN, phone number or names.",
        "",
        directory.report(directory.evaluate_directory(answers, directory_questions)),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[: 12 + len(rows)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
