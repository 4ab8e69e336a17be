"""Emergencies are caught in every language, ordinary questions are not, and the reply is curated.

The data: ``tests/data/emergencies.yml`` (what residents write when they need help now) and
``tests/data/alarming_ordinary.yml`` (ordinary questions with alarming words), plus every example
phrasing in ``data/nlu`` outside the safety intents.
"""

import asyncio
import re
from pathlib import Path

import pytest
import yaml

from assistant.language import default_registry
from assistant.language.registry import LANGUAGES_FILE
from assistant.messages import message as english_message
from assistant.paths import DATA_DIR, PROJECT_ROOT, TRANSLATIONS_DIR
from assistant.safety import all_safety_phrases, load_safety_only_languages
from assistant.training_examples import read_examples
from assistant.translation.curated import curated, load_curated
from assistant.translation.localiser import NOTICES, SAFETY_RESPONSES, Localiser
from assistant.widget.settings import offered_languages
from bench.heldout import load_heldout
from tests.test_checks import check, copy_project, line_of

TESTS_DATA = Path(__file__).parent / "data"
EMERGENCIES = yaml.safe_load((TESTS_DATA / "emergencies.yml").read_text(encoding="utf-8"))
ORDINARY = yaml.safe_load((TESTS_DATA / "alarming_ordinary.yml").read_text(encoding="utf-8"))
SAFETY_INTENTS = {"emergency", "crisis", "urgent_care"}
MIN_PHRASINGS = 10
REGISTRY = default_registry()
SAFETY_ONLY = load_safety_only_languages()
TIER_2 = [lang.code for lang in REGISTRY if lang.tier == 2]
EVERY_LANGUAGE = [*REGISTRY.codes, *(lang.code for lang in SAFETY_ONLY)]
SCRIPTS = {lang.code: lang.script for lang in [*REGISTRY, *SAFETY_ONLY]}
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
ENGLISH_SAFETY = {key: DOMAIN["responses"][key][0]["text"] for key in SAFETY_RESPONSES}
SIGNPOSTS = ("999", "111", "116 123")


def cases(data: dict) -> list[tuple[str, str, str]]:
    """(language, category, text) for every phrasing."""
    return [
        (code, category, text)
        for code, categories in data.items()
        for category, texts in categories.items()
        for text in texts
    ]


def ordinary() -> list[str]:
    return [text for texts in ORDINARY.values() for text in texts]


def non_safety_examples() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(DATA_DIR)}:{intent}", text)
        for path in sorted((DATA_DIR / "nlu").rglob("*.yml"))
        for intent, text in read_examples(path)
        if intent not in SAFETY_INTENTS
    ]


def in_own_script(code: str, text: str) -> bool:
    """Whether ``text`` is written in its language's script (not Roman Urdu, say)."""
    latin = bool(re.search(r"[a-zA-Z]", text)) and not re.search(r"[^\x00-\u024f\s\d]", text)
    return latin == (SCRIPTS[code] == "Latin")


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


def test_every_language_has_enough_emergency_phrasings():
    counts = {code: 0 for code in EVERY_LANGUAGE}
    for code, _, _ in cases(EMERGENCIES):
        counts[code] = counts.get(code, 0) + 1
    assert {code: n for code, n in counts.items() if n < MIN_PHRASINGS} == {}
    assert set(counts) == set(EVERY_LANGUAGE), set(counts) ^ set(EVERY_LANGUAGE)


def test_every_category_is_tried_in_every_language():
    for code in EVERY_LANGUAGE:
        assert set(EMERGENCIES[code]) == SAFETY_INTENTS, code


@pytest.mark.parametrize(("code", "category", "text"), cases(EMERGENCIES))
def test_an_emergency_is_caught_in_its_language(code, category, text):
    found = all_safety_phrases().match(text)
    assert found is not None and found.category == category, (code, text, found)
    if in_own_script(code, text):
        assert code in found.languages, (code, text, found.languages)


@pytest.mark.parametrize(("code", "category", "text"), cases(EMERGENCIES))
def test_a_caught_emergency_is_answered_in_its_language_when_nothing_else_told(
    code, category, text
):
    english = REGISTRY["en"]
    found = all_safety_phrases().match(text)
    language = all_safety_phrases().reply_language(text, english)
    if code == "en" or "en" in found.languages or not in_own_script(code, text):
        assert language == english
    else:
        assert language.code == code


@pytest.mark.parametrize("text", ordinary())
def test_an_ordinary_question_with_alarming_words_is_not_caught(text):
    assert all_safety_phrases().match(text) is None


def test_no_example_phrasing_of_an_ordinary_intent_is_caught():
    examples = non_safety_examples()
    assert len(examples) > 1000
    phrases = all_safety_phrases()
    caught = [(where, text) for where, text in examples if phrases.match(text) is not None]
    assert caught == []


def test_no_held_out_question_is_caught():
    phrases = all_safety_phrases()
    assert [q.text for q in load_heldout() if phrases.match(q.text) is not None] == []


@pytest.mark.parametrize("code", [c for c in EVERY_LANGUAGE if c != "en"])
def test_every_language_has_its_safety_texts_curated_with_every_number(code):
    texts = load_curated(TRANSLATIONS_DIR / f"{code}.yml")
    assert texts.language == code
    for key, english in ENGLISH_SAFETY.items():
        translated = texts.responses[key].text
        assert numbers(translated) == numbers(english), (code, key)
        found = sorted((translated.index(s), s) for s in SIGNPOSTS if s in translated)
        expected = sorted((english.index(s), s) for s in SIGNPOSTS if s in english)
        assert [s for _, s in found] == [s for _, s in expected], (code, key)
        assert "{" not in translated, (code, key)


@pytest.mark.parametrize("code", ["fr", "tr", "ps", "ckb", "ku", "gu", "ti"])
def test_a_curated_safety_text_goes_out_instead_of_english(code):
    localiser = Localiser(curated)
    english = {"text": ENGLISH_SAFETY["utter_emergency"], "utter_action": "utter_emergency"}
    localised = asyncio.run(localiser.localise(english, code))
    assert localised.translation == "curated"
    assert localised.text == curated(code).responses["utter_emergency"].text
    assert localised.text.index("999") < localised.text.index("111")


def test_a_language_with_safety_texts_only_gets_other_answers_in_english_with_the_notice():
    localiser = Localiser(curated)
    text = DOMAIN["responses"]["utter_greet"][0]["text"]
    greeting = {"text": text, "utter_action": "utter_greet"}
    localised = asyncio.run(localiser.localise(greeting, "ps"))
    assert localised.translation == "english"
    assert localised.text == f"{english_message('answer_in_english_notice')}\n{greeting['text']}"


@pytest.mark.parametrize("code", TIER_2)
def test_a_tier_2_file_holds_its_safety_texts_and_the_two_notices_only(code):
    texts = load_curated(TRANSLATIONS_DIR / f"{code}.yml")
    assert set(texts.responses) == {*SAFETY_RESPONSES, *NOTICES}, code
    assert (texts.interface, texts.kb, texts.questions) == ({}, {}, {}), code
    for key in NOTICES:
        notice = texts.responses[key].text
        assert notice != english_message(key), (code, key)
        assert not re.search(r"[\d{}]", notice), (code, key)


class Marking:
    """Machine translation that marks each text with its target language, and notes the texts."""

    def __init__(self):
        self.asked = []

    async def translate_async(self, text, source, target, budget_seconds=None):
        self.asked.append(text)
        return f"[{target}] {text}"


@pytest.mark.parametrize("code", TIER_2)
def test_a_tier_2_answer_gets_the_curated_notice_in_english_or_machine_translated(code):
    text = DOMAIN["responses"]["utter_greet"][0]["text"]
    greeting = {"text": text, "utter_action": "utter_greet"}
    notices = curated(code).responses
    in_english = asyncio.run(Localiser(curated).localise(greeting, code))
    assert in_english.translation == "english"
    assert in_english.text == f"{notices['answer_in_english_notice'].text}\n{text}"
    machine = Marking()
    translated = asyncio.run(Localiser(curated, machine).localise(greeting, code))
    assert translated.translation == "machine"
    assert translated.text == f"[{code}] {text}\n{notices['machine_translated_notice'].text}"
    assert machine.asked == [text]  # the notices are curated, never machine-translated


def test_safety_only_languages_are_outside_the_registry_and_the_widget():
    codes = {lang.code for lang in SAFETY_ONLY}
    assert codes == {"ps", "ckb", "ku", "gu", "ti"}
    assert not codes & set(REGISTRY.codes)
    every_pack = offered_languages(REGISTRY, lambda source, target: True)
    assert not codes & {lang.code for lang in every_pack}
    assert {lang.code: lang.direction for lang in SAFETY_ONLY}["ps"] == "rtl"


def test_a_pashto_emergency_taken_for_english_or_persian_is_answered_in_pashto():
    phrases = all_safety_phrases()
    for decided in ("en", "fa", "ur"):
        language = phrases.reply_language("زما پلار د سینې درد لري", REGISTRY[decided])
        assert (language.code, language.direction) == ("ps", "rtl")


def test_the_chosen_language_stays_for_an_english_phrase_or_roman_urdu():
    phrases = all_safety_phrases()
    assert phrases.reply_language("my dad has chest pain", REGISTRY["ur"]).code == "ur"
    assert phrases.reply_language("abbu ko saans nahi aa rahi", REGISTRY["en"]).code == "en"
    assert phrases.reply_language("what is a PCN?", REGISTRY["fr"]).code == "fr"


def test_a_safety_only_entry_without_a_direction_is_refused(tmp_path):
    path = tmp_path / "languages.yml"
    path.write_text(
        LANGUAGES_FILE.read_text(encoding="utf-8")
        + "  - {code: xx, name: Example, endonym: Exemplum, script: Latin}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="safety_only #6: 'direction'"):
        load_safety_only_languages(path)


def test_the_checks_want_a_tier_2_languages_safety_texts(tmp_path):
    project = copy_project(tmp_path)
    (project / "translations" / "fr.yml").unlink()
    [problem] = check(project)
    assert problem.path == "translations/fr.yml"
    assert "French (fr) is a Tier-2 language" in problem.message
    assert "utter_emergency" in problem.message


def test_the_checks_refuse_a_tier_2_text_other_than_safety_and_the_notices(tmp_path):
    project = copy_project(tmp_path)
    path = project / "translations" / "fr.yml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  utter_greet:\n    text: Bonjour !\n    reviewed: false\n"
        + "interface:\n  send:\n    text: Envoyer\n    reviewed: false\n",
        encoding="utf-8",
    )
    problems = check(project)
    assert [(p.path, p.line) for p in problems] == [
        ("translations/fr.yml", line_of(project, "translations/fr.yml", "  utter_greet:")),
        ("translations/fr.yml", line_of(project, "translations/fr.yml", "  send:")),
    ]
    assert "French (fr) is a Tier-2 language" in problems[0].message
    assert "answer_in_english_notice and machine_translated_notice" in problems[0].message
    assert "remove 'utter_greet' from 'responses:', or make French Tier 1" in problems[0].message
    assert "remove 'send' from 'interface:'" in problems[1].message


def test_the_checks_want_a_tier_2_notice_to_have_its_text(tmp_path):
    project = copy_project(tmp_path)
    path = project / "translations" / "de.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    notice = line_of(project, "translations/de.yml", "  machine_translated_notice:")
    lines[notice] = '    text: ""\n'
    path.write_text("".join(lines), encoding="utf-8")
    [problem] = check(project)
    assert (problem.path, problem.line) == ("translations/de.yml", notice)
    assert "German (de) has no text for 'machine_translated_notice'" in problem.message
    assert "data/messages/en.yml" in problem.message


def test_the_checks_want_a_safety_only_languages_phrases_and_numbers(tmp_path):
    project = copy_project(tmp_path)
    (project / "translations" / "safety" / "ti.yml").unlink()
    path = project / "translations" / "ps.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("116 123", "116123"), encoding="utf-8")
    problems = check(project)
    assert [p.path for p in problems] == ["translations/ps.yml", "translations/safety/ti.yml"]
    assert "Pashto (ps) utter_crisis does not give the Samaritans' number" in problems[0].message
    assert "Tigrinya (ti) is in data/languages.yml but has no emergency phrases" in (
        problems[1].message
    )
