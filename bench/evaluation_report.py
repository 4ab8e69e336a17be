"""The dated quality report: headline figures, the comparison with the previous report, Markdown.

Pure functions: everything measured comes in as an ``Evaluation``, so they run without Rasa.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from bench.rasa_results import ClassifierMetrics, ConfusionPair, Tally

HEADLINE = {
    "intent_f1_weighted": "Intent F1, weighted (cross-validation)",
    "response_f1_weighted": "Response selection F1, weighted (cross-validation)",
    "response_accuracy": "Response selection accuracy (cross-validation)",
    "conversations_passed": "Conversation tests passed",
    "heldout_accuracy": "Held-out questions answered by the right entry (every language)",
    "heldout_english": "Held-out English questions answered by the right entry",
    "not_covered_honest": "Not-covered questions given the honest reply",
    "emergencies_caught": "Emergencies given a safety reply",
    "uncurated_emergencies_caught": "Emergencies in uncurated languages given a safety reply",
    "alarming_answered": "Ordinary questions with alarming words answered, not signposted",
}


@dataclass(frozen=True)
class ReportPaths:
    """The files of one day's report."""

    markdown: Path
    json: Path
    intent_confusion: Path
    response_confusion: Path


@dataclass(frozen=True)
class ClassifierResult:
    """A classifier's cross-validation figures, its top confusions and its confusion matrix."""

    metrics: ClassifierMetrics
    fold_spread: float
    confusions: list[ConfusionPair]
    image: str | None


@dataclass(frozen=True)
class Evaluation:
    """Everything one ``python -m bench.evaluate`` run measured."""

    day: date
    commit: str
    folds: int
    intents: ClassifierResult
    responses: ClassifierResult
    conversations: Tally
    failed_conversations: list[str]
    heldout: Tally
    heldout_report: str
    checks: dict[str, Tally] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviousReport:
    """The headline figures of an earlier report, and its number of cross-validation folds."""

    day: date
    headline: dict[str, float]
    folds: int


def report_paths(directory: Path, day: date) -> ReportPaths:
    """Where the report for ``day`` goes: ``<directory>/<YYYY-MM-DD>.md`` and its companions."""
    stem = directory / day.isoformat()
    return ReportPaths(
        markdown=stem.with_suffix(".md"),
        json=stem.with_suffix(".json"),
        intent_confusion=directory / f"{day.isoformat()}-intent-confusion.png",
        response_confusion=directory / f"{day.isoformat()}-response-confusion.png",
    )


def previous_report(directory: Path, day: date) -> PreviousReport | None:
    """The latest report dated before ``day`` in ``directory``, read from its JSON."""
    earlier = []
    for path in directory.glob("*.json"):
        try:
            earlier_day = date.fromisoformat(path.stem)
        except ValueError:
            continue
        if earlier_day < day:
            earlier.append((earlier_day, path))
    if not earlier:
        return None
    latest_day, path = max(earlier)
    figures = json.loads(path.read_text(encoding="utf-8"))
    return PreviousReport(latest_day, figures["headline"], figures["folds"])


def headline(evaluation: Evaluation) -> dict[str, float]:
    """The headline figures, each a fraction between 0 and 1."""
    return {
        "intent_f1_weighted": evaluation.intents.metrics.f1_weighted,
        "response_f1_weighted": evaluation.responses.metrics.f1_weighted,
        "response_accuracy": evaluation.responses.metrics.accuracy,
        "conversations_passed": evaluation.conversations.share,
        "heldout_accuracy": evaluation.heldout.share,
        **{key: tally.share for key, tally in evaluation.checks.items()},
    }


def change(current: float, previous: PreviousReport | None, key: str) -> str:
    """The change since the previous report in percentage points; a drop is flagged."""
    if previous is None or key not in previous.headline:
        return "new"
    delta = round((current - previous.headline[key]) * 100, 1)
    if delta < 0:
        return f"{delta:.1f} pp ⚠ lower than {previous.day.isoformat()}"
    return f"+{delta:.1f} pp" if delta > 0 else "no change"


def headline_rows(evaluation: Evaluation, previous: PreviousReport | None) -> list[list[str]]:
    """One row per headline figure: measure, result, change."""
    counts = {
        "conversations_passed": evaluation.conversations,
        "heldout_accuracy": evaluation.heldout,
        **evaluation.checks,
    }
    rows = []
    for key, value in headline(evaluation).items():
        tally = counts.get(key)
        result = f"{tally.right}/{tally.total} = {value:.1%}" if tally else f"{value:.1%}"
        rows.append([HEADLINE[key], result, change(value, previous, key)])
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    rule = "|" + "---|" * len(header)
    return "\n".join([_row(header), rule, *map(_row, rows)])


def _row(cells: list[str]) -> str:
    return f"| {' | '.join(cells)} |"


def headline_table(evaluation: Evaluation, previous: PreviousReport | None) -> str:
    """The headline figures as a Markdown table, with their change since the previous report."""
    return table(["measure", "result", "change"], headline_rows(evaluation, previous))


def _classifier_section(title: str, result: ClassifierResult) -> list[str]:
    m = result.metrics
    averages = {
        "macro": (m.precision_macro, m.recall_macro, m.f1_macro),
        "weighted": (m.precision_weighted, m.recall_weighted, m.f1_weighted),
    }
    lines = [
        f"## {title}",
        "",
        table(
            ["average", "precision", "recall", "F1"],
            [[name, *(f"{v:.3f}" for v in values)] for name, values in averages.items()],
        ),
        "",
        f"Accuracy {m.accuracy:.3f}; the test F1 varies by ±{result.fold_spread:.3f} "
        "(standard deviation) from fold to fold.",
        "",
        "Most frequent confusions (from Rasa's `confused_with`, which keeps each label's top two):",
        "",
    ]
    if result.confusions:
        pairs = [[p.true, p.predicted, str(p.count)] for p in result.confusions]
        lines.append(table(["true", "predicted", "count"], pairs))
    else:
        lines.append("None.")
    if result.image:
        lines += ["", f"![{title}: confusion matrix]({result.image})"]
    return [*lines, ""]


def render_markdown(evaluation: Evaluation, previous: PreviousReport | None) -> str:
    """The whole report as Markdown."""
    compared = "The first report: nothing to compare with."
    if previous:
        compared = f"Compared with [{previous.day.isoformat()}]({previous.day.isoformat()}.md)."
        if previous.folds != evaluation.folds:
            compared += (
                f" That report used {previous.folds} folds, so the cross-validation figures"
                " are not comparable."
            )
    failed = evaluation.failed_conversations
    lines = [
        f"# Quality report {evaluation.day.isoformat()}",
        "",
        f"Commit `{evaluation.commit}`. NLU cross-validation: {evaluation.folds} folds over "
        "`data/nlu`, trained afresh from `config.yml`. Conversation tests "
        "(`tests/conversations`) and held-out questions (`tests/data/heldout`): the trained "
        f"model `models/assistant.tar.gz`. {compared}",
        "",
        headline_table(evaluation, previous),
        "",
        *_classifier_section("Intents", evaluation.intents),
        *_classifier_section("Response selection (faq/<entry>)", evaluation.responses),
        "## Conversation tests",
        "",
        f"{evaluation.conversations.right}/{evaluation.conversations.total} passed.",
        *(["", "Failed:", "", *[f"- {name}" for name in failed]] if failed else []),
        "",
        "## Understanding: held-out, not-covered, emergency and alarming-word messages",
        "",
        evaluation.heldout_report,
        "",
    ]
    return "\n".join(lines)


def report_json(evaluation: Evaluation) -> dict:
    """The machine-readable figures (the next report compares with ``headline``)."""
    return {
        "date": evaluation.day.isoformat(),
        "commit": evaluation.commit,
        "folds": evaluation.folds,
        "headline": headline(evaluation),
        "intent": {
            **asdict(evaluation.intents.metrics),
            "fold_spread": evaluation.intents.fold_spread,
        },
        "response_selection": {
            **asdict(evaluation.responses.metrics),
            "fold_spread": evaluation.responses.fold_spread,
        },
        "conversations": asdict(evaluation.conversations),
        "heldout": asdict(evaluation.heldout),
        "checks": {key: asdict(tally) for key, tally in evaluation.checks.items()},
    }
