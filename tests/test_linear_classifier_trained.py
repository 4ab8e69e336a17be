"""Entry selection in the trained model: an unsure answer becomes nlu_fallback, ranked first."""

import asyncio

import pytest
import yaml

from assistant.paths import PROJECT_ROOT
from bench.heldout import load_heldout

CLASSIFIER = "assistant.components.linear_classifier.LinearIntentClassifier"


def fallback_threshold() -> float:
    """The confidence below which config.yml's classifier says it is unsure."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in config["pipeline"] if s["name"] == CLASSIFIER]
    return float(step["fallback_threshold"])


@pytest.fixture(scope="module")
def parses(trained_model) -> list[dict]:
    from rasa.core.agent import load_agent

    async def parse_all() -> list[dict]:
        agent = await load_agent(model_path=str(trained_model))
        texts = [q.text for q in load_heldout()] + ["which organisation looks after the nhs money"]
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse_all())


@pytest.mark.slow
def test_a_chosen_entry_is_reported_as_rasa_reports_response_selection(parses):
    chosen = [p for p in parses if p["intent"]["name"] == "faq"]
    assert len(chosen) > len(parses) / 2
    for parse in chosen:
        response = parse["response_selector"]["faq"]["response"]
        assert response["intent_response_key"].startswith("faq/")
        assert response["confidence"] >= fallback_threshold()


@pytest.mark.slow
def test_a_fallback_heads_the_intent_ranking_so_evaluation_counts_it(parses):
    fallbacks = [p for p in parses if p["intent"]["name"] == "nlu_fallback"]
    assert fallbacks, "expected some held-out questions the selector is unsure of"
    for parse in fallbacks:
        assert parse["intent_ranking"][0]["name"] == "nlu_fallback", parse["text"]
