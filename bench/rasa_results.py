"""Read the files and log lines that ``rasa test nlu`` and ``rasa test core`` write."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# Cross-validation logs "test F1-score: <mean over folds> (<standard deviation>)" per section.
_FOLD_F1 = re.compile(r"test F1-score: ([\d.]+) \(([\d.]+)\)")
_RESPONSE_SECTION = "Response Selection evaluation results"


@dataclass(frozen=True)
class ClassifierMetrics:
    """Precision, recall and F1 (macro and weighted averages) and accuracy of one classifier."""

    precision_macro: float
    recall_macro: float
    f1_macro: float
    precision_weighted: float
    recall_weighted: float
    f1_weighted: float
    accuracy: float


@dataclass(frozen=True)
class ConfusionPair:
    """How many examples of label ``true`` were predicted as ``predicted``."""

    true: str
    predicted: str
    count: int


@dataclass(frozen=True)
class Tally:
    """How many of ``total`` came out right."""

    right: int
    total: int

    @property
    def share(self) -> float:
        """The fraction that came out right."""
        return self.right / self.total


def read_json(path: Path) -> dict:
    """A JSON file as a dict."""
    return json.loads(path.read_text(encoding="utf-8"))


def classifier_metrics(report: dict) -> ClassifierMetrics:
    """The averages and accuracy of a Rasa classification report (``intent_report.json``)."""
    macro, weighted = report["macro avg"], report["weighted avg"]
    return ClassifierMetrics(
        precision_macro=macro["precision"],
        recall_macro=macro["recall"],
        f1_macro=macro["f1-score"],
        precision_weighted=weighted["precision"],
        recall_weighted=weighted["recall"],
        f1_weighted=weighted["f1-score"],
        accuracy=report["accuracy"],
    )


def confusion_pairs(report: dict, limit: int = 10) -> list[ConfusionPair]:
    """The most frequent confusions (true → predicted) in a report's ``confused_with`` fields."""
    pairs = [
        ConfusionPair(label, predicted, count)
        for label, entry in report.items()
        if isinstance(entry, dict)
        for predicted, count in entry.get("confused_with", {}).items()
    ]
    pairs.sort(key=lambda p: (-p.count, p.true, p.predicted))
    return pairs[:limit]


def fold_spreads(log: str) -> tuple[float, float]:
    """The standard deviation of the test F1 across folds: intents, then response selection.

    Read from the summary that ``rasa test nlu --cross-validation`` logs (it writes no file).
    """
    intents, _, responses = log.partition(_RESPONSE_SECTION)
    return _fold_f1_spread(intents), _fold_f1_spread(responses)


def _fold_f1_spread(section: str) -> float:
    found = _FOLD_F1.search(section)
    if found is None:
        raise ValueError("no cross-validation summary (test F1-score) in the Rasa log")
    return float(found[2])


def conversations(story_report: dict) -> Tally:
    """How many test conversations passed, from ``story_report.json``."""
    counts = story_report["conversation_accuracy"]
    return Tally(counts["correct"], counts["total"])


def failed_conversations(failed_stories: Path) -> list[str]:
    """The names of the conversations in ``failed_test_stories.yml`` (none: a comment only)."""
    content = yaml.safe_load(failed_stories.read_text(encoding="utf-8")) or {}
    return [story["story"] for story in content.get("stories", [])]
