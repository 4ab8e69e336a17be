"""The understanding figures: per-language held-out accuracy and the three message sets."""

from pathlib import Path

from assistant.language import default_registry
from bench.accuracy import Prediction
from bench.heldout import HeldOutQuestion
from bench.rasa_results import Tally
from bench.understanding import (
    Parsed,
    Understanding,
    by_language,
    checks,
    load_by_language,
    load_not_covered,
    question_language,
    report,
)

REGISTRY = default_registry()


def prediction(topic: str, right: bool) -> Prediction:
    question = HeldOutQuestion("q", "icb_what_is", (), topic)
    return Prediction(question, "icb_what_is" if right else "nlu_fallback")


def test_a_file_named_by_a_language_code_holds_that_language_and_topics_are_english():
    assert question_language(HeldOutQuestion("q", "e", (), "pl"), REGISTRY) == "pl"
    assert question_language(HeldOutQuestion("q", "e", (), "plan"), REGISTRY) == "en"


def test_each_language_is_tallied_against_its_tiers_target():
    results = by_language(
        [prediction("icb", True), prediction("icb", False), prediction("pl", True),
         prediction("fr", True), prediction("fr", False), prediction("fr", False)],
        REGISTRY,
    )  # fmt: skip
    found = {r.language: (r.tally, r.target, r.met) for r in results}
    assert found == {
        "en": (Tally(1, 2), 0.95, False),
        "pl": (Tally(1, 1), 0.90, True),
        "fr": (Tally(1, 3), 0.75, False),
    }
    assert [r.language for r in results] == ["en", "pl", "fr"]


def test_the_headline_tallies_count_honest_caught_and_answered():
    understanding = Understanding(
        heldout=[prediction("icb", True)],
        not_covered=[Parsed("mayor", "", "out_of_scope"), Parsed("budget", "", "faq")],
        emergencies=[Parsed("chest pain", "en", "emergency"), Parsed("douleur", "fr", "faq")],
        uncurated=[Parsed("tôi muốn tự tử", "vi", "crisis")],
        alarming=[Parsed("suicide strategy", "en", "faq"), Parsed("ambulance", "en", "crisis")],
    )
    assert checks(understanding, REGISTRY) == {
        "heldout_english": Tally(1, 1),
        "not_covered_honest": Tally(1, 2),
        "emergencies_caught": Tally(1, 2),
        "uncurated_emergencies_caught": Tally(1, 1),
        "alarming_answered": Tally(1, 2),
    }
    text = report(understanding, REGISTRY)
    assert "| English (en) | 1 | 1/1 = 100.0% | ≥ 95% | yes |" in text
    assert "- (?) budget → faq" in text
    assert "- (fr) douleur → faq" in text
    assert "- (en) ambulance → crisis" in text


def test_files_by_language_and_by_category_are_both_read(tmp_path: Path):
    path = tmp_path / "set.yml"
    path.write_text("en:\n  emergency: [a, b]\n  crisis: [c]\nfr: [d]\n", encoding="utf-8")
    assert load_by_language(path) == [("en", "a"), ("en", "b"), ("en", "c"), ("fr", "d")]


def test_the_projects_own_sets_are_read():
    assert len(load_not_covered()) >= 30
    languages = {language for language, _ in load_by_language(Path("tests/data/emergencies.yml"))}
    assert {"en", "ps", "ckb", "ku", "gu", "ti", "fa", "hi"} <= languages
