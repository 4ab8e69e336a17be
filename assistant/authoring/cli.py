"""``python -m assistant kb new``: add a question to the knowledge base, one prompt at a time.

Every answer can also be given as an option (``--topic``, ``--question``, ``--example`` ...);
with all the required ones given it asks nothing, which is how scripts and tests use it.
Exit codes: 0 added, 1 added but the project's checks found problems (or a file could not be
written), 2 invalid input (nothing written).
"""

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from assistant.authoring.new_question import (
    FIELDS,
    MIN_EXAMPLES,
    NewQuestion,
    Project,
    WriteError,
    suggest_id,
    write,
)
from assistant.checks import run_checks
from assistant.paths import PROJECT_ROOT

EXIT_OK = 0
EXIT_CHECKS = 1
EXIT_INVALID = 2
REQUIRED = ("topic", "question", "answer", "source", "examples")


def add_kb_command(commands: argparse._SubParsersAction) -> None:
    """Add ``kb`` and its action ``new``: add a question to the knowledge base."""
    kb = commands.add_parser("kb", help="add to the knowledge base")
    actions = kb.add_subparsers(dest="kb_action", required=True)
    new = actions.add_parser(
        "new",
        help="add a question, its answer and example phrasings",
        description="Add a question to the knowledge base: its entry in data/kb/<topic>.yml and "
        "its example phrasings in data/nlu/faq/<topic>.yml. Asks for anything not given.",
    )
    new.add_argument("--topic", help="the topic id (a data/kb/<topic>.yml file)")
    new.add_argument("--question", help='the question, ending with "?"')
    new.add_argument("--answer", help="the answer, in plain English")
    new.add_argument("--source", help="the source file name, as listed in data/kb/sources.yml")
    new.add_argument(
        "--example",
        action="append",
        default=[],
        help=f"a phrasing a resident might type (repeat: at least {MIN_EXAMPLES})",
    )
    new.add_argument(
        "--related", action="append", default=[], help="the id of a related entry (repeat)"
    )
    new.add_argument("--id", help="the entry id (default: suggested from the question)")
    new.add_argument("--root", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    kb.set_defaults(handler=run_kb)


def run_kb(args: argparse.Namespace) -> int:
    """Run ``kb new``: ask for what is missing, check, write, then run the project's checks."""
    try:
        project = Project.read(args.root)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        print(f"Could not read the project's data under {args.root}: {error}", file=sys.stderr)
        return EXIT_INVALID
    new = NewQuestion(
        topic=args.topic or "",
        id=args.id or "",
        question=args.question or "",
        answer=args.answer or "",
        source=args.source or "",
        examples=args.example,
        related=_ids(",".join(args.related)),
    )
    given = [name for name in FIELDS if getattr(new, name)]
    if _refused(project.problems(new, given)):
        return EXIT_INVALID
    try:
        new = _complete(new, project)
    except (EOFError, KeyboardInterrupt):
        print("\nStopped: nothing was written.", file=sys.stderr)
        return EXIT_INVALID
    if _refused(project.problems(new)):
        return EXIT_INVALID
    try:
        written = write(new, args.root)
    except (OSError, WriteError) as error:
        print(f"Nothing was written: {error}", file=sys.stderr)
        return EXIT_CHECKS
    files = " and ".join(path.relative_to(args.root).as_posix() for path in written)
    print(f"\nAdded '{new.id}' to {files}.\nChecking the project...")
    found = run_checks(args.root, rasa=False)
    for problem in found:
        print(problem)
    print(
        f"{len(found)} problem(s) to fix first." if found else "No problems found.",
        "Next steps:",
        "  make train   # train the model with the new question",
        "  make test    # run the tests",
        f"  make shell   # ask it yourself: {new.question}",
        sep="\n",
    )
    return EXIT_CHECKS if found else EXIT_OK


def _complete(new: NewQuestion, project: Project) -> NewQuestion:
    """Ask, one prompt at a time, for every field not given (id and related too if any was)."""
    if all(getattr(new, name) for name in REQUIRED):
        return new if new.id else replace(new, id=suggest_id(new.question, project.taken_ids))
    if not new.topic:
        print("Topics:")
        new = _ask(new, project, "topic", "Topic (number or id): ", _choice(project.topics))
    if not new.question:
        new = _ask(new, project, "question", 'Question (ending with "?"): ')
    if not new.answer:
        print("Answer, in plain English (normally under 70 words); an empty line finishes:")
        new = _ask(new, project, "answer", "> ", read=_read_lines)
    if not new.source:
        print("Sources:")
        new = _ask(
            new, project, "source", "Source (number or file name): ", _choice(project.sources)
        )
    if not new.examples:
        new = _ask_examples(new, project)
    if not new.related:
        same_topic = [i for i, topic in project.entries.items() if topic == new.topic]
        print(f"Entries in {new.topic}: {', '.join(same_topic)}")
        new = _ask(
            new,
            project,
            "related",
            "Related entries (ids, comma-separated; Enter for none): ",
            _ids,
        )
    if not new.id:
        suggestion = suggest_id(new.question, project.taken_ids)
        new = _ask(
            new, project, "id", f"Id [{suggestion}]: ", lambda text: text.strip() or suggestion
        )
    return new


def _ask(
    new: NewQuestion,
    project: Project,
    name: str,
    prompt: str,
    parse: Callable[[str], Any] = str.strip,
    read: Callable[[str], str] = input,
) -> NewQuestion:
    """Ask for one field until the answer has no problems; ``new`` with it set."""
    while True:
        candidate = replace(new, **{name: parse(read(prompt))})
        reasons = project.problems(candidate, [name])
        if not reasons:
            return candidate
        for reason in reasons:
            print(f"  {reason}")


def _ask_examples(new: NewQuestion, project: Project) -> NewQuestion:
    print(
        f"Phrasings a resident might type (at least {MIN_EXAMPLES}: short and long, casual, "
        "lower case, misspelt), one per line; an empty line finishes. Enter on the first "
        "keeps the question."
    )
    examples: list[str] = []
    while True:
        if examples:
            line = input(f"{len(examples) + 1}: ").strip()
        else:
            line = input(f"1 [{new.question}]: ").strip() or new.question
        if not line and len(examples) >= MIN_EXAMPLES:
            return replace(new, examples=examples)
        if not line:
            print(f"  {len(examples)} so far: give at least {MIN_EXAMPLES}.")
            continue
        reasons = project.phrasing_problems(line, examples)
        for reason in reasons:
            print(f"  {reason}")
        if not reasons:
            examples.append(line)


def _choice(options: dict[str, str]) -> Callable[[str], str]:
    """Print ``options`` numbered with their titles; return a parser taking a number or a key."""
    keys = list(options)
    for number, key in enumerate(keys, 1):
        print(f"  {number:>2}. {key}: {options[key]}")

    def parse(text: str) -> str:
        text = text.strip()
        return keys[int(text) - 1] if text.isdigit() and 1 <= int(text) <= len(keys) else text

    return parse


def _read_lines(prompt: str) -> str:
    """Lines up to an empty one, joined with spaces."""
    lines: list[str] = []
    while line := input(prompt).strip():
        lines.append(line)
    return " ".join(lines)


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _refused(problems: list[str]) -> bool:
    """Print ``problems`` (if any) and say nothing was written."""
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    if problems:
        print("Nothing was written.", file=sys.stderr)
    return bool(problems)
