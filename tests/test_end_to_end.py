"""Residents' questions, phrased unlike the training data, asked through the real REST channel."""

from pathlib import Path

import pytest
import yaml

from tests.helpers import reply_text

pytestmark = pytest.mark.server

QUESTIONS = yaml.safe_load((Path(__file__).parent / "data" / "end_to_end.yml").read_text(encoding="utf-8"))["questions"]


def test_there_are_at_least_forty_questions():
    assert len(QUESTIONS) >= 40


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["text"] for q in QUESTIONS])
def test_the_answer_states_the_fact_and_cites_its_source(ask, question):
    text = reply_text(ask(question["text"]))
    for fact in question["expect"]:
        assert fact.casefold() in text.casefold(), f"'{fact}' missing from: {text}"
    assert "Source:" in text
