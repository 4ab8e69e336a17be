"""Which messages went unanswered, masked and grouped; and a real conversation reported."""

import json
import random
import subprocess
import sys
import time
import uuid

import pytest

from assistant.paths import PROJECT_ROOT
from assistant.reports.tracker_events import UserTurn, read_user_turns
from assistant.reports.unanswered import (
    Group,
    Question,
    group_questions,
    is_unanswered,
    known_questions,
    unanswered_questions,
)
from tests.helpers import post


def turn(
    text: str,
    intent: str = "faq",
    confidence: float | None = 0.95,
    actions: tuple[str, ...] = ("action_answer_faq",),
    **metadata: str,
) -> UserTurn:
    return UserTurn(text, metadata, intent, confidence, time.time(), actions)


@pytest.mark.parametrize(
    "unanswered",
    [
        turn("can you fix my boiler", "nlu_fallback", 0.7, ("utter_not_sure",)),
        turn("what's the football score", "out_of_scope", 0.9, ("utter_out_of_scope",)),
        turn("is there a bus to the QE", "faq", 0.49),
        turn(
            "what does the ROH do about parking",
            "faq",
            0.9,
            ("action_answer_faq", "utter_not_sure"),
        ),
        turn("asdf qwerty", "greet", 0.9, ("action_default_fallback",)),
    ],
)
def test_what_counts_as_unanswered(unanswered: UserTurn) -> None:
    assert is_unanswered(unanswered)


@pytest.mark.parametrize(
    "answered",
    [
        turn("who chairs the ICS?"),
        turn("hello", "greet", 0.99, ("utter_greet",)),
        turn('/faq{"entry":"icb_what_is"}', "nlu_fallback", 0.7, ("utter_not_sure",)),
        turn("/switch_language", "switch_language", 0.2, ("utter_language_switched",)),
        turn("   ", "nlu_fallback", 0.7, ("utter_not_sure",)),
        turn("what is a PCN?", "faq", None),
    ],
)
def test_what_counts_as_answered(answered: UserTurn) -> None:
    assert not is_unanswered(answered)


def test_the_confidence_threshold_can_be_changed() -> None:
    unsure = turn("is there a bus to the QE", "faq", 0.6)
    assert not is_unanswered(unsure)
    assert is_unanswered(unsure, confidence_threshold=0.7)


def test_questions_are_what_residents_typed_masked_in_their_language() -> None:
    turns = [
        turn("my boiler is broken", "nlu_fallback", 0.6, ("utter_not_sure",),
             language="pl", original_text="mój bojler jest zepsuty, tel. 07700 900123"),
        turn("call me   on\n07700 900123", "nlu_fallback", 0.6, ("utter_not_sure",)),
        turn("who chairs the ICS?", language="ur"),
    ]  # fmt: skip
    assert unanswered_questions(turns) == [
        Question("mój bojler jest zepsuty, tel. [phone]", "pl"),
        Question("call me on [phone]", "en"),
    ]


def test_similar_questions_are_grouped_the_most_frequent_first() -> None:
    questions = [
        Question("what is my blood test result", "en"),
        Question("can you fix my boiler? my name is [name]", "en"),
        Question("my boiler is broken, call me on [phone]", "en"),
        Question("Can you fix my boiler", "en"),
        Question("can you fix my boiler", "ur"),
        Question("what's the weather in Solihull", "en"),
    ]
    assert group_questions(questions, known_questions()) == [
        Group(
            count=4,
            languages=(("en", 3), ("ur", 1)),
            examples=(
                "Can you fix my boiler",  # twice, in two spellings
                "can you fix my boiler? my name is [name]",
                "my boiler is broken, call me on [phone]",
            ),
        ),
        Group(1, (("en", 1),), ("what is my blood test result",)),
        Group(1, (("en", 1),), ("what's the weather in Solihull",)),
    ]


def test_giving_personal_details_does_not_make_questions_alike() -> None:
    questions = [
        Question("my name is [name], can you fix my boiler", "en"),
        Question("my name is [name], what's the weather tomorrow", "en"),
        Question("my NHS number is [NHS number], my name is [name]", "en"),
    ]
    assert [g.count for g in group_questions(questions, known_questions())] == [1, 1, 1]


def test_groups_do_not_depend_on_the_order_of_the_messages() -> None:
    texts = [
        "can you fix my boiler", "my boiler is broken", "boiler repair", "will it rain",
        "what's the weather tomorrow", "where can I park at the QE", "parking at the QE",
    ]  # fmt: skip
    questions = [Question(text, "en") for text in texts * 2]
    expected = group_questions(questions, known_questions())
    for seed in range(3):
        random.Random(seed).shuffle(questions)
        assert group_questions(questions, known_questions()) == expected


def test_at_most_three_examples() -> None:
    texts = ["boiler broken", "my boiler is broken", "boiler is broken", "the boiler is broken"]
    (group,) = group_questions([Question(text, "en") for text in texts])
    assert group.count == 4
    assert len(group.examples) == 3


def test_no_questions_no_groups() -> None:
    assert group_questions([], known_questions()) == []


def test_known_questions_are_the_training_examples() -> None:
    known = known_questions()
    assert len(known) > 500
    assert any("chair" in text.lower() for text in known)


# The real assistant: residents who give personal details while asking what it cannot answer.
SECRETS = (
    "John", "Smith", "john.smith@example.com", "07700 900123", "07700 900456", "B15 2TT",
    "943 476 5919", "9434765919",
)  # fmt: skip
UNANSWERED = (
    "can you fix my boiler? my name is John Smith, email john.smith@example.com",
    "my boiler is broken, call me on 07700 900123",
    "I live at B15 2TT, can you fix my boiler",
    "my NHS number is 943 476 5919, what is my blood test result",
)
URDU_BOILER = "میرا بوائلر خراب ہے، مجھے 07700 900456 پر فون کریں"  # "my boiler is broken, call me"
ANSWERED = ("who chairs the ICS?", "what is a PCN?")


@pytest.fixture(scope="module")
def reported_conversations(stack) -> dict:
    """Send the messages through the real assistant, from residents with their own ids."""
    started = time.time() - 1
    senders = [f"resident-{uuid.uuid4().hex}" for _ in range(4)]
    url = f"{stack.url}/webhooks/rest/webhook"
    for i, text in enumerate([*UNANSWERED, *ANSWERED]):
        body = {"sender": senders[i % 3], "message": text}
        assert post(url, json.dumps(body).encode())[0] == 200
    body = {"sender": senders[3], "message": URDU_BOILER, "metadata": {"language": "ur"}}
    assert post(url, json.dumps(body).encode())[0] == 200
    return {"started": started, "senders": senders, "url": f"sqlite:///{stack.tracker_db}"}


@pytest.mark.server
def test_a_real_conversation_the_unanswered_are_grouped(reported_conversations) -> None:
    turns = read_user_turns(reported_conversations["url"], reported_conversations["started"])
    questions = unanswered_questions(turns)
    assert len(turns) == 7
    assert sorted(q.language for q in questions) == ["en", "en", "en", "en", "ur"]
    groups = group_questions(questions, known_questions())
    boiler = [g for g in groups if any("boiler" in e for e in g.examples)]
    assert [(g.count, g.languages) for g in boiler] == [(3, (("en", 3),))]
    assert set(boiler[0].examples) == {
        "can you fix my boiler? my name is [name], email [email]",
        "my boiler is broken, call me on [phone]",
        "I live at [postcode], can you fix my boiler",
    }
    examples = [e for g in groups for e in g.examples]
    assert "my NHS number is [NHS number], what is my blood test result" in examples
    assert "میرا بوائلر خراب ہے، مجھے [phone] پر فون کریں" in examples
    assert sum(g.count for g in groups) == 5
    for answered in ANSWERED:
        assert answered not in examples


@pytest.mark.server
def test_a_real_conversation_reported_without_personal_data(reported_conversations) -> None:
    output = ""
    for fmt in ("text", "markdown"):
        result = subprocess.run(
            [sys.executable, "-m", "assistant", "report", "unanswered",
             "--db", reported_conversations["url"], "--since", "1h", "--format", fmt],
            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        output += result.stdout
    assert "can you fix my boiler? my name is [name], email [email]" in output
    assert "who chairs the ICS?" not in output
    for secret in (*SECRETS, *reported_conversations["senders"], "resident-"):
        assert secret not in output
