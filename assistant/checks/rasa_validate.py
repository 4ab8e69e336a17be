"""Check 8: Rasa's own check of the training data, ``rasa data validate --fail-on-warnings``.

Each warning or error it prints becomes a problem, with the file (and line) it names, or the
rule, action or intent it names found in the data.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from assistant.checks.problem import Problem

RASA = "rasa data validate"
COMMAND = (
    *("data", "validate", "--fail-on-warnings", "--config", "config.yml"),
    *("--domain", "domain.yml", "--data", "data/nlu", "data/rules"),
)
TIMEOUT_SECONDS = 600
# Rasa 3.6 prints these while loading a domain with a retrieval intent, even when nothing is
# wrong; they do not fail the check.
HARMLESS = (
    "duplicated intents have been found across multiple domain files: faq",
    "Action 'utter_faq' is listed as a response action in the domain file",
    # Sent by action_answer_faq when it is unsure, and RulePolicy's core fallback action in
    # config.yml: used, but by code and config, which Rasa's check does not read.
    "The utterance 'utter_not_sure' is not used in any story or rule",
)
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_WARNING = re.compile(r"UserWarning: (?P<message>.+)$")
_FILE_LINE = re.compile(r"^\s*in (?P<path>\S+?):(?P<line>\d+):\s*$")
_EXCEPTION = re.compile(r"^(?P<kind>\w+(?:Exception|Error)): (?P<message>.+)$")
_LOG = re.compile(r"^\d{4}-\d\d-\d\d [\d:]+ (?:ERROR|WARNING)\s+\S+\s+- (?P<message>.+)$")
_NAMED_FILE = re.compile(r"'(?P<path>[^']+\.ya?ml)'")
# What a message names -> the line to look for in the data: a rule (block), action or intent.
_NAMES = (
    (re.compile(r"the '(?P<name>[^']+)' block"), r"(?:rule|story):\s*{name}"),
    (re.compile(r"action '(?P<name>[\w/]+)'"), r"action:\s*{name}"),
    (re.compile(r"intent '(?P<name>[\w/]+)'"), r"intent:\s*{name}"),
)


def rasa_problems(root: Path) -> list[Problem]:
    """Run ``rasa data validate --fail-on-warnings`` in ``root`` and report what it finds."""
    home = root / "var" / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "HOME": str(home),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "rasa", *COMMAND],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return [Problem(RASA, None, f"Rasa's check did not finish in {TIMEOUT_SECONDS} seconds.")]
    if result.returncode == 0:
        return []
    output = result.stdout + "\n" + result.stderr
    return parse_output(root, output) or [
        Problem(
            RASA,
            None,
            f"Rasa's check of the training data failed without saying where (exit code "
            f"{result.returncode}): run `rasa {' '.join(COMMAND)}` to see its full output. "
            f"It ended: {output.strip().splitlines()[-1] if output.strip() else '(nothing)'}",
        )
    ]


def parse_output(root: Path, output: str) -> list[Problem]:
    """The problems in the output of ``rasa data validate``, in the order it gives them."""
    lines = [_COLOUR.sub("", line).rstrip() for line in output.splitlines()]
    problems = []
    for index, line in enumerate(lines):
        if (match := _FILE_LINE.match(line)) and index + 1 < len(lines):
            detail = lines[index + 1].strip()
            problems.append(
                Problem(match["path"], int(match["line"]), f"Rasa cannot read this: {detail}")
            )
        elif match := _WARNING.search(line) or _LOG.match(line):
            if not any(harmless in match["message"] for harmless in HARMLESS):
                problems.append(_located(root, f"Rasa says: {match['message']}"))
        elif (match := _EXCEPTION.match(line)) and not _any_file_line(lines[index + 1 :]):
            problems.append(_located(root, f"Rasa could not check the data: {match['message']}"))
    return problems


def _any_file_line(lines: list[str]) -> bool:
    return any(_FILE_LINE.match(line) for line in lines)


def _located(root: Path, message: str) -> Problem:
    """A problem at the file a Rasa message names, or at the rule, action or intent it names."""
    if named := _NAMED_FILE.search(message):
        path = Path(named["path"])
        relative = path.relative_to(root) if path.is_relative_to(root) else path
        return Problem(relative.as_posix(), None, message)
    for pattern, line_pattern in _NAMES:
        if named := pattern.search(message):
            wanted = re.compile(
                rf"^\s*-?\s*{line_pattern.format(name=re.escape(named['name']))}\s*$"
            )
            for path in sorted((root / "data").rglob("*.yml")):
                text = path.read_text(encoding="utf-8").splitlines()
                for number, line in enumerate(text, start=1):
                    if wanted.match(line):
                        return Problem(path.relative_to(root).as_posix(), number, message)
    return Problem(RASA, None, message)
