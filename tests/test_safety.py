"""Curated safety phrases: emergencies are recognised, ordinary questions are not."""

import pytest

from assistant.paths import SAFETY_DIR
from assistant.safety import load_safety_phrases
from assistant.text_matching import normalise


@pytest.fixture(scope="module")
def phrases():
    return load_safety_phrases(SAFETY_DIR / "en.yml")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my dad has chest pain", "emergency"),
        ("I CAN'T BREATHE!!", "emergency"),
        ("mum cant breath", "emergency"),
        ("I think he's having a stroke, his face is drooping", "emergency"),
        ("she took an overdose", "emergency"),
        ("my friend has collapsed", "emergency"),
        ("i want to kill myself", "crisis"),
        ("I don’t want to live any more", "crisis"),
        ("i've been harming myself", "crisis"),
        ("my baby has a high temperature", "urgent_care"),
        ("I feel really unwell", "urgent_care"),
    ],
)
def test_emergencies_are_recognised(phrases, text, category):
    assert phrases.category(text) == category


@pytest.mark.parametrize(
    "text",
    [
        "who chairs the ICS?",
        "what is a PCN",
        "is self-harm in the strategy",
        "does the strategy cover strokes",
        "how many GP practices are there",
    ],
)
def test_ordinary_questions_are_not_emergencies(phrases, text):
    assert phrases.category(text) is None


def test_an_emergency_beats_a_crisis_when_both_are_said(phrases):
    assert phrases.category("I took an overdose because I want to die") == "emergency"


def test_normalise_ignores_case_punctuation_and_apostrophes():
    assert normalise("Can't  BREATHE!") == " cant breathe "


def test_a_phrase_file_without_override_is_refused(tmp_path):
    path = tmp_path / "xx.yml"
    path.write_text("language: xx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="override"):
        load_safety_phrases(path)


def test_vowel_signs_and_viramas_are_part_of_words():
    assert normalise("বুকে ব্যথা!") == " বুকে ব্যথা "
    assert normalise("ਸਾਹ ਨਹੀਂ ਆ ਰਿਹਾ") == " ਸਾਹ ਨਹੀਂ ਆ ਰਿਹਾ "


def test_keyboard_variants_of_urdu_letters_match():
    assert normalise("خودكشي") == normalise("خودکشی")
    assert normalise("خود\u200cکشی") == normalise("خودکشی")
