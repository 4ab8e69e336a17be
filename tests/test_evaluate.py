"""The quality report (bench/evaluate.py): reading Rasa's reports, comparing, rendering."""

import json
from datetime import date
from pathlib import Path

import pytest

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
    ConfusionPair,
    Tally,
    classifier_metrics,
    confusion_pairs,
    conversations,
    failed_conversations,
    fold_spreads,
)

DAY = date(2024, 5, 20)

INTENT_REPORT = {
    "greet": {
        "precision": 0.9, "recall": 1.0, "f1-score": 0.947, "support": 9,
        "confused_with": {},
    },
    "faq": {
        "precision": 0.95, "recall": 0.9, "f1-score": 0.924, "support": 40,
        "confused_with": {"out_of_scope": 3, "ask_organisation": 1},
    },
    "out_of_scope": {
        "precision": 0.7, "recall": 0.8, "f1-score": 0.747, "support": 10,
        "confused_with": {"faq": 2},
    },
    "accuracy": 0.9,
    "macro avg": {"precision": 0.85, "recall": 0.9, "f1-score": 0.873, "support": 59},
    "weighted avg": {"precision": 0.91, "recall": 0.9, "f1-score": 0.902, "support": 59},
    "micro avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 59},
}  # fmt: skip

RASA_LOG = """\
INFO     rasa.model_testing  - CV evaluation (n=3)
INFO     rasa.model_testing  - Intent evaluation results
INFO     rasa.nlu.test  - train F1-score: 0.990 (0.001)
INFO     rasa.nlu.test  - test F1-score: 0.902 (0.012)
INFO     rasa.model_testing  - Response Selection evaluation results
INFO     rasa.nlu.test  - train F1-score: 0.999 (0.000)
INFO     rasa.nlu.test  - test F1-score: 0.850 (0.021)
"""


def an_evaluation() -> Evaluation:
    intents = ClassifierResult(
        classifier_metrics(INTENT_REPORT),
        0.012,
        confusion_pairs(INTENT_REPORT),
        "2024-05-20-intent-confusion.png",
    )
    return Evaluation(
        day=DAY,
        commit="abc1234",
        folds=3,
        intents=intents,
        responses=ClassifierResult(classifier_metrics(INTENT_REPORT), 0.021, [], None),
        conversations=Tally(11, 12),
        failed_conversations=["an organisation, then what it does (tests/conversations/x.yml)"],
        heldout=Tally(105, 120),
        heldout_report="Held-out accuracy: 105/120 = 87.5%\n\n- where is the ROH → icb (roh)",
    )


def write_previous(directory: Path, day: str, folds: int = 3, **headline: float) -> None:
    figures = {
        "intent_f1_weighted": 0.902,
        "response_f1_weighted": 0.902,
        "response_accuracy": 0.9,
        "conversations_passed": 11 / 12,
        "heldout_accuracy": 105 / 120,
        **headline,
    }
    report = {"date": day, "folds": folds, "headline": figures}
    (directory / f"{day}.json").write_text(json.dumps(report))


def test_metrics_are_read_from_a_rasa_report():
    metrics = classifier_metrics(INTENT_REPORT)
    assert metrics.f1_weighted == 0.902
    assert metrics.f1_macro == 0.873
    assert metrics.precision_weighted == 0.91
    assert metrics.recall_macro == 0.9
    assert metrics.accuracy == 0.9


def test_confusion_pairs_are_the_most_frequent_first():
    assert confusion_pairs(INTENT_REPORT) == [
        ConfusionPair("faq", "out_of_scope", 3),
        ConfusionPair("out_of_scope", "faq", 2),
        ConfusionPair("faq", "ask_organisation", 1),
    ]
    assert confusion_pairs(INTENT_REPORT, limit=1) == [ConfusionPair("faq", "out_of_scope", 3)]


def test_fold_spreads_come_from_the_cross_validation_log():
    assert fold_spreads(RASA_LOG) == (0.012, 0.021)
    with pytest.raises(ValueError, match="cross-validation summary"):
        fold_spreads("no summary here")


def test_conversations_are_read_from_rasas_story_files(tmp_path):
    report = {"conversation_accuracy": {"accuracy": 0.5, "correct": 1, "total": 2}}
    assert conversations(report) == Tally(1, 2)
    failed = tmp_path / "failed_test_stories.yml"
    failed.write_text("# None of the test stories failed - all good!")
    assert failed_conversations(failed) == []
    failed.write_text(
        'version: "3.1"\nstories:\n- story: self-harm (tests/conversations/test_flows.yml)\n'
        "  steps:\n  - intent: crisis\n  - action: utter_crisis  # predicted: utter_not_sure\n"
    )
    assert failed_conversations(failed) == ["self-harm (tests/conversations/test_flows.yml)"]


def test_report_file_names_are_dated(tmp_path):
    paths = report_paths(tmp_path, DAY)
    assert paths.markdown == tmp_path / "2024-05-20.md"
    assert paths.json == tmp_path / "2024-05-20.json"
    assert paths.intent_confusion == tmp_path / "2024-05-20-intent-confusion.png"
    assert paths.response_confusion == tmp_path / "2024-05-20-response-confusion.png"


def test_the_previous_report_is_the_latest_earlier_one(tmp_path):
    write_previous(tmp_path, "2024-05-01")
    write_previous(tmp_path, "2024-05-13")
    write_previous(tmp_path, "2024-05-20")  # today's own, about to be replaced
    write_previous(tmp_path, "2024-06-01")
    (tmp_path / "notes.json").write_text("{}")
    previous = previous_report(tmp_path, DAY)
    assert previous is not None and previous.day == date(2024, 5, 13)
    assert previous_report(tmp_path, date(2024, 5, 1)) is None


def test_the_first_report_has_nothing_to_compare_with(tmp_path):
    table = headline_table(an_evaluation(), previous_report(tmp_path, DAY))
    assert table.splitlines()[:2] == ["| measure | result | change |", "|---|---|---|"]
    assert "| Intent F1, weighted (cross-validation) | 90.2% | new |" in table
    assert "| Conversation tests passed | 11/12 = 91.7% | new |" in table
    heldout = "Held-out questions answered by the right entry (every language)"
    assert f"| {heldout} | 105/120 = 87.5% | new |" in table
    assert "⚠" not in table


def test_a_drop_is_flagged_and_a_rise_is_not(tmp_path):
    write_previous(tmp_path, "2024-05-13", heldout_accuracy=110 / 120, intent_f1_weighted=0.89)
    table = headline_table(an_evaluation(), previous_report(tmp_path, DAY))
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert rows["Held-out questions answered by the right entry (every language)"].endswith(
        "| 105/120 = 87.5% | -4.2 pp ⚠ lower than 2024-05-13 |"
    )
    assert rows["Intent F1, weighted (cross-validation)"].endswith("| 90.2% | +1.2 pp |")
    assert rows["Conversation tests passed"].endswith("| no change |")
    assert table.count("⚠") == 1


def test_a_drop_too_small_to_show_is_not_flagged(tmp_path):
    write_previous(tmp_path, "2024-05-13", intent_f1_weighted=0.9021)
    assert "⚠" not in headline_table(an_evaluation(), previous_report(tmp_path, DAY))


def test_the_markdown_report_holds_every_section(tmp_path):
    write_previous(tmp_path, "2024-05-13", heldout_accuracy=1.0)
    markdown = render_markdown(an_evaluation(), previous_report(tmp_path, DAY))
    assert markdown.startswith("# Quality report 2024-05-20\n")
    assert "Commit `abc1234`" in markdown
    assert "Compared with [2024-05-13](2024-05-13.md)." in markdown
    assert "⚠ lower than 2024-05-13" in markdown
    assert "not comparable" not in markdown
    assert "| faq | out_of_scope | 3 |" in markdown
    assert "![Intents: confusion matrix](2024-05-20-intent-confusion.png)" in markdown
    assert "response-confusion" not in markdown
    assert "±0.012" in markdown
    assert "- an organisation, then what it does" in markdown
    assert "- where is the ROH → icb (roh)" in markdown


def test_a_report_with_other_folds_is_not_comparable(tmp_path):
    write_previous(tmp_path, "2024-05-13", folds=2)
    markdown = render_markdown(an_evaluation(), previous_report(tmp_path, DAY))
    expected = "That report used 2 folds, so the cross-validation figures are not comparable."
    assert expected in markdown


def test_the_json_keeps_the_headline_for_the_next_comparison(tmp_path):
    figures = report_json(an_evaluation())
    assert figures["date"] == "2024-05-20"
    assert figures["commit"] == "abc1234"
    assert figures["headline"]["heldout_accuracy"] == 105 / 120
    assert figures["intent"]["fold_spread"] == 0.012
    assert figures["conversations"] == {"right": 11, "total": 12}
    (tmp_path / "2024-05-20.json").write_text(json.dumps(figures))
    later = previous_report(tmp_path, date(2024, 5, 21))
    assert later is not None and later.headline == figures["headline"] and later.folds == 3
