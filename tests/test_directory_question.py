"""The directory question component: a named practice, PCN or postcode settles an unsure message."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.components.directory_question import DirectoryQuestion
from assistant.directory.lookup import DirectoryLookup
from assistant.directory.store import read_districts, read_pcns, read_practices

UNSURE = ["nlu_fallback", "out_of_scope", "greet"]


@pytest.fixture(scope="module")
def component() -> DirectoryQuestion:
    lookup = DirectoryLookup(read_practices(), read_pcns(), read_districts(), {})
    return DirectoryQuestion({"unsure_intents": UNSURE, "faq_confidence": 0.5}, lookup)


def parsed(text: str, intent: str, ranking: list[str] = (), faq: float = 0.0) -> Message:
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.6})
    message.set(INTENT_RANKING_KEY, [{"name": name, "confidence": 0.1} for name in ranking])
    if intent == "faq":
        message.set("response_selector", {"faq": {"response": {"confidence": faq}}})
    return message


def intent_of(component: DirectoryQuestion, message: Message) -> str:
    return component.process([message])[0].get(INTENT)["name"]


def test_a_named_practice_makes_an_unsure_message_the_ranked_directory_question(component):
    message = parsed("whats shah zamans number", "greet", ["greet", "directory_practice_contact"])
    assert intent_of(component, message) == "directory_practice_contact"
    unranked = parsed("give me the address for hall green health", "out_of_scope")
    assert intent_of(component, unranked) == "directory_practice_contact"


def test_with_nothing_ranked_what_is_named_decides(component):
    assert intent_of(component, parsed("gps b23", "nlu_fallback")) == "directory_nearest"
    assert intent_of(component, parsed("small heath pcn", "nlu_fallback")) == (
        "directory_pcn_practices"
    )


def test_a_postcode_alone_leaves_an_out_of_scope_message_out_of_scope(component):
    boiler = parsed("I live at B15 2TT, can you fix my boiler", "out_of_scope")
    assert intent_of(component, boiler) == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "intent", "faq"),
    [
        ("my dad collapsed at the limes medical centre", "emergency", 0.0),
        ("can shah zaman surgery book me in", "book_appointment", 0.0),
        ("is shah zaman surgery part of the ICS?", "faq", 0.8),
        ("/faq{\"entry\":\"pcn_what_is\"}", "nlu_fallback", 0.0),
        ("the car park is full", "out_of_scope", 0.0),
        ("who is the chair of solihull council", "out_of_scope", 0.0),  # a place, not a PCN
        ("what is the mental heath trust for birmingham and solihull", "nlu_fallback", 0.0),
    ],
)
def test_safety_bookings_confident_answers_buttons_and_other_words_are_left_alone(
    component, text, intent, faq
):
    assert intent_of(component, parsed(text, intent, faq=faq)) == intent
