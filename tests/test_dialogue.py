"""The main conversation flows through the real running assistant."""

import pytest

from tests.helpers import reply_text

pytestmark = pytest.mark.server


def test_greeting_and_goodbye(ask):
    assert "Hello" in reply_text(ask("hiya"))
    assert "Goodbye" in reply_text(ask("ta ra then"))


def test_it_says_it_is_a_bot(ask):
    assert "chatbot" in reply_text(ask("am I talking to a person?"))


def test_help_lists_topics_as_buttons(ask, kb):
    reply = ask("what can you do?")
    titles = [b["title"] for m in reply for b in m.get("buttons", [])]
    assert titles == [t.title for t in kb.topics]


def test_a_topic_button_lists_its_questions_and_a_question_button_answers(ask, kb):
    topic = kb.topic("gp_practices")
    reply = ask('/help{"topic":"gp_practices"}')
    buttons = [b for m in reply for b in m.get("buttons", [])]
    assert [b["title"] for b in buttons] == [kb.entries[e].question for e in topic.entry_ids[:8]]
    answer = reply_text(ask(buttons[0]["payload"]))
    assert kb.entries[topic.entry_ids[0]].answer in answer


def test_the_chair_is_named_with_the_source(ask):
    text = reply_text(ask("who chairs the ICS?"))
    assert "Dame Yve Buckland" in text
    title = "Birmingham and Solihull STP approved as an Integrated Care System (news)"
    assert f"Source: {title}" in text
    assert ".txt" not in text  # the file name is for staff, in the message's metadata


def test_follow_up_tell_me_more(ask, kb):
    ask("how many GP practices are there in Birmingham and Solihull?")
    text = reply_text(ask("tell me more"))
    assert "Source:" in text


def test_organisation_and_what_does_it_do(ask):
    assert "Royal Orthopaedic Hospital" in reply_text(ask("what is the ROH?"))
    assert "Royal Orthopaedic Hospital" in reply_text(ask("what does it do?"))


@pytest.mark.parametrize(
    "message",
    [
        "my dad has chest pain",
        "my husband has collapsed and is not breathing",
        "I think mum is having a stroke",
        "he is bleeding heavily",
    ],
)
def test_emergencies_get_999_first(ask, message):
    text = reply_text(ask(message))
    assert text.startswith("If this is an emergency, call 999 now.")


@pytest.mark.parametrize(
    "message", ["I want to kill myself", "i have been self harming", "I don't want to live anymore"]
)
def test_self_harm_and_suicide_get_999_and_samaritans(ask, message):
    text = reply_text(ask(message))
    assert "999" in text and "116 123" in text
    assert text.index("999") < text.index("116 123")


def test_urgent_illness_gets_111(ask):
    text = reply_text(ask("my toddler has a high temperature and I don't know what to do"))
    assert "111" in text and text.index("999") < text.index("111")


def test_no_medical_advice(ask):
    text = reply_text(ask("what should I take for a headache?"))
    assert "cannot give medical advice" in text and "999" in text and "111" in text


def test_it_cannot_book_appointments(ask):
    text = reply_text(ask("book me a GP appointment"))
    assert "can't book" in text and "GP practice" in text and "111" in text


@pytest.mark.parametrize(
    "message",
    [
        "what's the weather like in Brum tomorrow",
        "who won the football last night",
        "order me a pizza",
    ],
)
def test_out_of_scope_gets_an_honest_reply(ask, message):
    text = reply_text(ask(message))
    assert "Sorry" in text
    assert "Source:" not in text
