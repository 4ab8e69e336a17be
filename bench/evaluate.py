"""A dated quality report, so that a change that lowers quality is visible: ``make evaluate``.

``python -m bench.evaluate [--folds 3] [--out reports]`` runs NLU cross-validation (intents, and
the linear classifier's choice of knowledge-base entry as Rasa's response selection), Rasa's
conversation tests and the held-out questions, then writes ``<out>/<YYYY-MM-DD>.md`` and
``.json`` (replacing a report of the same day) and the confusion matrices, each headline figure
compared with the latest earlier report. Cross-validation trains the NLU once per fold; with the
default of 3 folds the whole run takes about 12 minutes on 2 cores.
"""

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from assistant.language import default_registry
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT
from bench.evaluation_report import (
    ClassifierResult,
    Evaluation,
    headline_table,
    previous_report,
    render_markdown,
    report_json,
    report_paths,
)
from bench.rasa_results import (
    Tally,
    classifier_metrics,
    confusion_pairs,
    conversations,
    failed_conversations,
    fold_spreads,
    read_json,
)
from bench.understanding import checks, understand
from bench.understanding import report as understanding_report

# `python -m rasa`, with numpy's global generator seeded first: Rasa's cross-validation shuffles
# the folds with it (unseeded), so seeding makes the split, and the figures, repeatable.
SEEDED_RASA = "import numpy; numpy.random.seed(42); from rasa.__main__ import main; main()"


def run_rasa(args: list[str]) -> str:
    """Run a Rasa command in the project folder and return its output (log included)."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-c", SEEDED_RASA, *args], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    if result.returncode:
        sys.exit(f"{result.stdout[-4000:]}\nrasa {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def git_commit() -> str:
    """The short hash of the checked-out commit, or "unknown" outside a git checkout."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


def classifier_result(
    report_file: Path, spread: float, matrix: Path, image: Path
) -> ClassifierResult:
    """A classifier's figures from its Rasa report; its confusion matrix copied to ``image``."""
    rasa_report = read_json(report_file)
    if matrix.exists():
        shutil.copyfile(matrix, image)
    return ClassifierResult(
        classifier_metrics(rasa_report),
        spread,
        confusion_pairs(rasa_report),
        image.name if matrix.exists() else None,
    )


def quiet_rasa() -> None:
    """Keep Rasa's per-message debug log quiet when it parses in this process."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)


def step(message: str, started: float) -> None:
    """Show progress, with the minutes since ``started``."""
    print(f"[{(time.monotonic() - started) / 60:4.1f} min] {message}", flush=True)


def main() -> int:
    """Measure, write the dated report and print its headline table."""
    parser = argparse.ArgumentParser(prog="python -m bench.evaluate", description=__doc__)
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (3)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports", help="report folder")
    args = parser.parse_args()
    if not DEFAULT_MODEL.exists():
        sys.exit(f"No trained model at {DEFAULT_MODEL}: run `make train` first.")

    started = time.monotonic()
    day = date.today()
    paths = report_paths(args.out, day)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evaluate-") as tmp:
        nlu, core = Path(tmp) / "nlu", Path(tmp) / "core"
        step(f"NLU cross-validation, {args.folds} folds", started)
        log = run_rasa(
            ["test", "nlu", "--cross-validation", "--folds", str(args.folds),
             "--config", "config.yml", "--nlu", "data/nlu", "--out", str(nlu)]
        )  # fmt: skip
        intent_spread, response_spread = fold_spreads(log)
        intents = classifier_result(
            nlu / "intent_report.json", intent_spread,
            nlu / "intent_confusion_matrix.png", paths.intent_confusion,
        )  # fmt: skip
        responses = classifier_result(
            nlu / "response_selection_report.json", response_spread,
            nlu / "response_selection_confusion_matrix.png", paths.response_confusion,
        )  # fmt: skip
        step("conversation tests", started)
        run_rasa(
            ["test", "core", "--stories", "tests/conversations",
             "--model", str(DEFAULT_MODEL), "--out", str(core)]
        )  # fmt: skip
        passed = conversations(read_json(core / "story_report.json"))
        failed = failed_conversations(core / "failed_test_stories.yml")
    step("held-out, not-covered, emergency and alarming-word messages", started)
    quiet_rasa()
    registry = default_registry()
    understanding = understand(registry=registry)
    predictions = understanding.heldout
    evaluation = Evaluation(
        day=day,
        commit=git_commit(),
        folds=args.folds,
        intents=intents,
        responses=responses,
        conversations=passed,
        failed_conversations=failed,
        heldout=Tally(sum(p.correct for p in predictions), len(predictions)),
        heldout_report=understanding_report(understanding, registry),
        checks=checks(understanding, registry),
    )
    previous = previous_report(args.out, day)
    paths.markdown.write_text(render_markdown(evaluation, previous), encoding="utf-8")
    paths.json.write_text(json.dumps(report_json(evaluation), indent=2) + "\n", encoding="utf-8")
    step(f"wrote {paths.markdown} and {paths.json}", started)
    print()
    print(headline_table(evaluation, previous))
    return 0


if __name__ == "__main__":
    sys.exit(main())
