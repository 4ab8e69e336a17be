"""Curated safety phrases: emergencies are recognised, ordinary questions are not."""

import pytest

from assistant.language import Language
from assistant.paths import SAFETY_DIR
from assistant.safety import SafetyMatch, all_safety_phrases, fold, load_safety_phrases, merge
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


def write_phrases(folder, code, body):
    path = folder / f"{code}.yml"
    path.write_text(f"language: {code}\n{body}", encoding="utf-8")
    return load_safety_phrases(path)


LANGUAGES = {
    code: Language(code, code, code, script, "ltr", None, 2)
    for code, script in (("en", "Latin"), ("xx", "Latin"), ("yy", "Latin"), ("ur", "Arabic"))
}


def test_accents_and_look_alike_letters_are_folded():
    assert fold(normalise("Douleur à la POITRINE")) == fold(normalise("douleur a la poitrine"))
    assert fold(normalise("nefes alamıyorum")) == " nefes alamiyorum "
    assert fold(normalise("ещё")) == " еще "
    assert fold(normalise("أريد")) == fold(normalise("اريد"))
    assert fold(normalise("বুকে ব্যথা")) == " বুকে ব্যথা "  # Indic vowel signs are letters


def test_a_phrase_typed_without_its_accents_still_matches(tmp_path):
    phrases = write_phrases(tmp_path, "xx", "override:\n  emergency: [douleur à la poitrine]\n")
    assert phrases.category("mon pere a une douleur a la poitrine") == "emergency"


def test_a_match_says_whose_phrases_it_was_most_matched_first(tmp_path):
    xx = write_phrases(tmp_path, "xx", "override:\n  emergency: [shared pain, only xx]\n")
    yy = write_phrases(tmp_path, "yy", "override:\n  emergency: [shared pain, only yy, yy two]\n")
    merged = merge([xx, yy])
    assert merged.override["emergency"] == (" shared pain ", " only xx ", " only yy ", " yy two ")
    assert merged.match("shared pain").languages == ("xx", "yy")
    assert merged.match("shared pain only yy and yy two") == SafetyMatch(
        "emergency", ("yy", "xx"), (3, 1)
    )


def test_the_language_with_most_matching_phrases_is_replied_in_and_a_tie_keeps_file_order(
    tmp_path,
):
    xx = write_phrases(tmp_path, "xx", "override:\n  emergency: [shared pain, only xx]\n")
    yy = write_phrases(tmp_path, "yy", "override:\n  emergency: [shared pain, only yy, yy two]\n")
    merged = merge([xx, yy], LANGUAGES)
    assert merged.reply_language("shared pain only yy", LANGUAGES["en"]) == LANGUAGES["yy"]
    assert merged.reply_language("shared pain", LANGUAGES["en"]) == LANGUAGES["xx"]


def test_an_ordinary_phrase_is_taken_out_before_matching(tmp_path):
    phrases = write_phrases(
        tmp_path, "en", "override:\n  emergency: [chest pain]\nordinary: [chest pain clinics]\n"
    )
    assert phrases.category("are there chest pain clinics in Solihull?") is None
    assert phrases.category("dad has chest pain, where are the chest pain clinics") == "emergency"


def test_the_reply_is_in_the_language_of_the_phrase_unless_the_decided_one_fits(tmp_path):
    xx = write_phrases(tmp_path, "xx", "override:\n  crisis: [xx want to die]\n")
    en = write_phrases(tmp_path, "en", "override:\n  crisis: [want to die]\n")
    phrases = merge([en, xx], LANGUAGES)
    assert phrases.reply_language("i xx want to die", LANGUAGES["yy"]) == LANGUAGES["yy"]  # en too
    only_xx = merge([xx], LANGUAGES)
    assert only_xx.reply_language("i xx want to die", LANGUAGES["en"]) == LANGUAGES["xx"]
    assert only_xx.reply_language("i xx want to die", LANGUAGES["xx"]) == LANGUAGES["xx"]
    assert only_xx.reply_language("hello", LANGUAGES["ur"]) == LANGUAGES["ur"]
    no_texts = merge([xx], {})
    assert no_texts.reply_language("i xx want to die", LANGUAGES["en"]) == LANGUAGES["en"]


def test_every_curated_language_is_loaded_with_its_reply_language():
    phrases = all_safety_phrases()
    assert phrases.category("mon père a une douleur à la poitrine") == "emergency"
    assert phrases.category("je veux me faire du mal") == "crisis"
    assert phrases.category("Göğsümde çok kötü bir ağrı var ve nefes alamıyorum") == "emergency"
    assert {"fr", "de", "es", "tr", "ps", "ckb", "ku", "gu", "ti"} <= set(phrases.reply_languages)


def test_an_ordinary_list_that_is_not_a_list_is_refused(tmp_path):
    path = tmp_path / "xx.yml"
    path.write_text("override:\n  emergency: [x]\nordinary: chest pain\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ordinary"):
        load_safety_phrases(path)
