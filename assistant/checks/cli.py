"""The ``validate`` command: ``python -m assistant validate [--no-rasa]`` (``make validate``).

``assistant/__main__.py`` adds it with :func:`add_validate_command`.
"""

import argparse

from assistant.checks.run import run_checks
from assistant.paths import PROJECT_ROOT


def add_validate_command(commands: argparse._SubParsersAction) -> None:
    """Add ``validate``: check the project's files before anything goes live."""
    validate = commands.add_parser(
        "validate",
        help="check the knowledge base, translations and training data before they go live",
        description="Check the knowledge base, example phrasings, rules, domain, messages and "
        "translations, and name the file and line of each problem.",
    )
    validate.add_argument(
        "--no-rasa",
        action="store_true",
        help="skip Rasa's own check of the training data (rasa data validate), the slow part",
    )
    validate.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    """Print each problem on its own line, then how many; 0 if there are none, else 1."""
    problems = run_checks(PROJECT_ROOT, rasa=not args.no_rasa)
    for problem in problems:
        print(problem)
    if not problems:
        print("No problems found.")
        return 0
    print(f"{len(problems)} problem(s) found.")
    return 1
