"""``python -m assistant report unanswered``: what residents asked that went unanswered.

The report reads the tracker store, masks personal data before grouping or printing, and never
shows who asked. ``assistant/__main__.py`` adds it with :func:`add_report_command`.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.reports.unanswered import Group

EXIT_ERROR = 2
UNITS = {"m": ("minute", 60), "h": ("hour", 3600), "d": ("day", 86400), "w": ("week", 604800)}
_PERIOD = re.compile(r"(\d+)\s*([mhdw])")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|#])")


@dataclass(frozen=True)
class Period:
    """How far back a report looks, e.g. 7 days."""

    amount: int
    unit: str

    @property
    def seconds(self) -> int:
        """The period's length in seconds."""
        return self.amount * UNITS[self.unit][1]

    def __str__(self) -> str:
        """In words: "the last 7 days", "the last hour"."""
        name = UNITS[self.unit][0]
        return f"the last {name}" if self.amount == 1 else f"the last {self.amount} {name}s"


@dataclass(frozen=True)
class Totals:
    """What a report counted: the residents' messages and those that went unanswered."""

    messages: int
    unanswered: int
    since: float


def parse_period(text: str) -> Period:
    """Parse a period such as ``7d``, ``24h``, ``90m`` or ``2w``.

    Raises:
        argparse.ArgumentTypeError: If it is not a positive number and a unit (m, h, d, w).
    """
    match = _PERIOD.fullmatch(text.strip().lower())
    if match is None or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a period: give a positive number and a unit, m, h, d or w "
            "(e.g. 90m, 24h, 7d, 2w)"
        )
    return Period(int(match[1]), match[2])


def add_report_command(commands: argparse._SubParsersAction) -> None:
    """Add ``report``, with its one report, ``unanswered``."""
    report = commands.add_parser(
        "report", help="reports on conversations, without personal data or who asked"
    )
    reports = report.add_subparsers(dest="report", required=True)
    unanswered = reports.add_parser(
        "unanswered",
        help="what residents asked that the assistant could not answer",
        description="What residents asked that the assistant could not answer, personal data "
        "masked, similar questions grouped, the most frequent first. Who asked is never shown.",
    )
    unanswered.add_argument(
        "--since", type=parse_period, default="7d", help="how far back: 90m, 24h, 7d (default), 2w"
    )
    unanswered.add_argument(
        "--db",
        help="the tracker store's SQLAlchemy URL (default: $BSOL_TRACKER_DB_URL, else "
        "sqlite:///var/rasa.db)",
    )
    unanswered.add_argument("--format", choices=("text", "markdown"), default="text")
    unanswered.add_argument(
        "--min-count", type=_positive, default=1, help="hide groups asked fewer times than this"
    )
    report.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Print the unanswered questions report; 0, or 2 if the conversations cannot be read."""
    # Imported here, not at the top: every command loads this module, and scikit-learn and
    # SQLAlchemy take seconds to import.
    from assistant.reports.tracker_events import TrackerDbError, default_db_url, read_user_turns
    from assistant.reports.unanswered import (
        group_questions,
        is_typed,
        known_questions,
        unanswered_questions,
    )

    since = time.time() - args.since.seconds
    try:
        turns = read_user_turns(args.db or default_db_url(), since)
    except TrackerDbError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    questions = unanswered_questions(turns)
    totals = Totals(sum(map(is_typed, turns)), len(questions), since)
    groups = group_questions(questions, known_questions())
    groups = [group for group in groups if group.count >= args.min_count]
    render = render_markdown if args.format == "markdown" else render_text
    sys.stdout.write(render(args.since, totals, groups, args.min_count))
    return 0


def render_text(period: Period, totals: Totals, groups: list[Group], min_count: int) -> str:
    """The report as plain text."""
    if not totals.unanswered:
        return f"Nothing went unanswered in {period}.\n"
    lines = [f"Unanswered questions in {period} (since {_when(totals.since)})", _summary(totals)]
    lines += [_hidden(min_count)] if min_count > 1 else []
    for number, group in enumerate(groups, 1):
        lines += ["", f"{number}. {_times(group.count)}, languages: {_languages(group)}"]
        lines += [f'   "{example}"' for example in group.examples]
    return "\n".join(lines) + "\n"


def render_markdown(period: Period, totals: Totals, groups: list[Group], min_count: int) -> str:
    """The report as Markdown; residents' texts are escaped so they cannot add markup."""
    if not totals.unanswered:
        return f"Nothing went unanswered in {period}.\n"
    lines = [f"# Unanswered questions in {period}", "", f"Since {_when(totals.since)}."]
    lines += ["", _summary(totals)] + (["", _hidden(min_count)] if min_count > 1 else [])
    for number, group in enumerate(groups, 1):
        lines += ["", f"## {number}. {_times(group.count)}", ""]
        lines += [f"Languages: {_languages(group)}", ""]
        lines += [f"- {_escape_markdown(example)}" for example in group.examples]
    return "\n".join(lines) + "\n"


def _summary(totals: Totals) -> str:
    return f"{totals.unanswered} of {totals.messages} messages from residents went unanswered."


def _hidden(min_count: int) -> str:
    return f"Only groups asked at least {min_count} times are shown."


def _times(count: int) -> str:
    return "asked once" if count == 1 else f"asked {count} times"


def _languages(group: Group) -> str:
    return ", ".join(f"{code} {count}" for code, count in group.languages)


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)
