"""GP practices and PCNs through the real server: every answer type, in English and Tier 1.

The expected facts come from the directory data itself (data/directory), never typed here.
"""

import asyncio
import json
import re
from typing import Any

import pytest
import yaml

from assistant.directory.answers import default_directory_answers
from assistant.directory.intents import INTENTS, NOT_HELD
from assistant.directory.store import read_pcns, read_practices
from assistant.language import default_registry
from assistant.paths import DATA_DIR, TRANSLATIONS_DIR
from assistant.translation.bidi import FSI, PDI
from tests.helpers import post
from tests.test_socketio_channel import conversation

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"
TIER_1 = [
    language.code
    for language in default_registry().languages
    if language.tier == 1 and language.code != "en"
]
PRACTICES = {practice.name: practice for practice in read_practices()}


def say(stack: Any, text: str, sender: str | None = None, language: str | None = None) -> list:
    body: dict[str, Any] = {"sender": sender, "message": text}
    if language:
        body["metadata"] = {"language": language}
    status, payload = post(f"{stack.url}/webhooks/rest/webhook", json.dumps(body).encode())
    assert status == 200, payload
    return json.loads(payload)


def text_of(messages: list[dict]) -> str:
    """The replies' text with the right-to-left isolates taken out."""
    return "\n".join(str(m.get("text") or "") for m in messages).replace(FSI, "").replace(PDI, "")


def test_which_pcn_a_practice_is_in_with_the_data_cited(stack):
    text = text_of(say(stack, "which PCN is Shah Zaman Surgery in?"))
    where = "Shah Zaman Surgery (70 Tangmere Drive, Birmingham, B35 7QX)"
    assert f"{where} is in North Birmingham PCN" in text
    assert "practice-to-PCN mapping (01/08/2026)" in text and ATTRIBUTION in text


def test_a_practices_phone_number_however_carelessly_its_name_is_typed(stack):
    limes = [p for name, p in PRACTICES.items() if name == "The Limes Medical Centre"][0]
    for typed in ("phone number for the Limes Medical Centre", "limes medical center number"):
        assert f"Phone: {limes.phone}" in text_of(say(stack, typed)), typed
    apollo = PRACTICES["Apollo Surgery"]
    assert apollo.phone in text_of(say(stack, "apolo surgery great barr phone number"))


def test_the_practices_in_a_pcn_are_listed(stack):
    pcn = next(p for p in read_pcns() if p.name == "Small Heath PCN")
    text = text_of(say(stack, "which practices are in Small Heath PCN?"))
    for practice in PRACTICES.values():
        if practice.pcn_code == pcn.code:
            assert f"- {practice.name}, {practice.postcode}: {practice.phone}" in text


def test_the_nearest_practices_to_a_postcode_with_distances(stack):
    text = text_of(say(stack, "GP practices near B35 7QX"))
    assert "The GP practices nearest to B35 7QX" in text
    assert "1. Shah Zaman Surgery – 0.0 km: 70 Tangmere Drive, B35 7QX – 0121 465 1500" in text
    assert "5. " in text and "6. " not in text
    assert "ONS postcode locations" in text


def test_a_postcode_outside_the_area_and_one_that_does_not_exist_get_honest_replies(stack):
    assert "is not in Birmingham and Solihull" in text_of(say(stack, "GP practices near CV1 5FB"))
    assert "could not find the postcode XX1 1XX" in text_of(say(stack, "gp near XX1 1XX"))


def test_two_practices_of_one_name_are_asked_about_and_the_button_answers(stack):
    messages = say(stack, "phone number for church road surgery")
    assert "Which one do you mean?" in text_of(messages)
    buttons = messages[-1]["buttons"]
    assert len(buttons) == 2
    sender = messages[0]["recipient_id"]
    chosen = text_of(say(stack, buttons[1]["payload"], sender))
    practice = PRACTICES["Church Road Surgery"]  # one of the two; check the chosen one's phone
    phones = {p.phone for p in read_practices() if p.name == practice.name}
    assert sum(phone in chosen for phone in phones) == 1
    assert buttons[1]["title"].split(", ")[-1] in chosen  # its postcode


def test_a_follow_up_asks_the_practice_talked_about(stack):
    sender = say(stack, "which pcn is shah zaman surgery in")[0]["recipient_id"]
    text = text_of(say(stack, "what is their phone number?", sender))
    assert "0121 465 1500" in text


def test_opening_hours_are_not_held_and_the_phone_number_is_given(stack):
    text = text_of(say(stack, "what are the opening hours of Shah Zaman Surgery"))
    assert "no opening hours, websites, doctors' names or quality ratings" in text
    assert "0121 465 1500" in text
    assert "do not compare practices" in text_of(say(stack, "which is the best gp practice"))


def test_how_many_practices_gives_2022_and_todays_figures(stack):
    text = text_of(say(stack, "how many GP practices are there?"))
    assert "160 GP practices" in text  # the ICS's 2022 documents
    assert "NHS England on 01/08/2026, has 175 GP practices in 36 Primary Care Networks" in text


def _first_examples(language: str) -> dict[str, str]:
    """The first example phrasing of each directory intent in a Tier-1 language's file."""
    data = yaml.safe_load((DATA_DIR / "nlu" / "languages" / f"{language}.yml").read_text("utf-8"))
    found = {}
    for block in data["nlu"]:
        if block["intent"] in INTENTS:
            found[block["intent"]] = block["examples"].splitlines()[0].removeprefix("- ").strip()
    return found


def _curated_label(language: str, key: str) -> str:
    """The curated words of a template before its first placeholder on its last line."""
    data = yaml.safe_load((TRANSLATIONS_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    return re.split(r"\{\w+\}", data["responses"][key]["text"].splitlines()[-1])[0].strip()


CASES = [(language, intent) for language in TIER_1 for intent in INTENTS]


@pytest.mark.parametrize(("language", "intent"), CASES, ids=[f"{lang}-{i}" for lang, i in CASES])
def test_each_answer_type_in_each_tier_1_language_is_curated_with_the_facts_kept(
    stack, language, intent
):
    question = _first_examples(language)[intent]
    expected = default_directory_answers().answer(intent, question, {}, None)
    messages = say(stack, question, language=language)
    raw = "\n".join(str(m.get("text") or "") for m in messages)
    text = text_of(messages)
    facts = [v for k, v in expected.values.items() if k in ("practice", "pcn", "phone", "place")]
    for fact in facts:
        assert fact in text, f"{question!r}: {fact!r} not in {text!r}"
    label = _curated_label(language, expected.key)
    assert label and label in text, f"{question!r}: not curated ({label!r}): {text!r}"
    if default_registry().get(language).direction == "rtl" and "phone" in expected.values:
        assert f"{FSI}{expected.values['phone']}{PDI}" in raw
    if intent == NOT_HELD and "phone" in expected.values:
        assert expected.values["phone"] in text


# Issue 12's "Why": the four questions, in English and in Urdu, and a fact each answer must give.
WHY = [
    ("en", "which PCN is Shah Zaman Surgery in?", "North Birmingham PCN"),
    ("en", "phone number for the Limes Medical Centre", "0121 772 0067"),
    ("en", "GP practices near B11 1LU", "The Brook Surgery – 0.0 km"),
    ("en", "which practices are in Small Heath PCN?", "The Park Medical Centre"),
    ("ur", "Shah Zaman Surgery کس PCN میں ہے؟", "North Birmingham PCN"),
    ("ur", "Limes Medical Centre کا فون نمبر کیا ہے؟", "0121 772 0067"),
    ("ur", "B11 1LU کے قریب GP سرجریاں کون سی ہیں؟", "The Brook Surgery – 0.0 km"),
    ("ur", "Small Heath PCN میں کون کون سی پریکٹسز ہیں؟", "The Park Medical Centre"),
]


@pytest.mark.parametrize(("language", "question", "fact"), WHY, ids=[q for _, q, _ in WHY])
def test_the_issues_questions_are_answered_in_english_and_urdu_without_choosing_a_language(
    stack, language, question, fact
):
    messages = say(stack, question)
    assert fact in text_of(messages)
    assert messages[0]["metadata"]["language"] == language


def test_socketio_gives_the_same_directory_answers_as_rest(stack):
    questions = ["which PCN is Shah Zaman Surgery in?", "GP practices near B35 7QX",
                 "what are the opening hours of Shah Zaman Surgery"]  # fmt: skip
    _, answers = asyncio.run(conversation(stack.url, questions))
    for question, answer in zip(questions, answers, strict=True):
        assert text_of(answer) == text_of(say(stack, question)), question
