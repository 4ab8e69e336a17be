"""The organisation ruler: entities, and the feature text the featurizer and classifier read."""

import asyncio
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components.feature_text import feature_text
from assistant.components.organisation_ruler import OrganisationEntityRuler

RULER = "assistant.components.organisation_ruler.OrganisationEntityRuler"


@pytest.fixture()
def ruler(tmp_path: Path) -> OrganisationEntityRuler:
    storage = LocalModelStorage(tmp_path)
    ruler = OrganisationEntityRuler.create({}, storage, Resource("ruler"), ExecutionContext(None))
    ruler.train(TrainingData())
    return ruler


def test_training_examples_get_their_feature_text(ruler):
    named = Message(data={TEXT: "what is smbc", "intent": "ask_organisation"})
    plain = Message(data={TEXT: "who chairs the ics", "intent": "faq"})
    ruler.process_training_data(TrainingData(training_examples=[named, plain]))
    assert feature_text(named) == "what is smbc (Solihull Metropolitan Borough Council)"
    assert feature_text(plain) == "who chairs the ics"


def test_a_message_gets_the_same_feature_text_as_a_training_example(ruler):
    message = Message(data={TEXT: "what is smbc"})
    ruler.process([message])
    assert feature_text(message) == "what is smbc (Solihull Metropolitan Borough Council)"
    assert [e["value"] for e in message.get("entities")] == [
        "solihull_metropolitan_borough_council"
    ]


def test_rasa_runs_the_ruler_over_the_training_data():
    """Rasa calls process_training_data in training only for tokenizers and featurizers."""
    config = {"recipe": "default.v1", "language": "en", "pipeline": [{"name": RULER}]}
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {})
    nodes = graph.train_schema.nodes.values()
    assert any(n.uses is OrganisationEntityRuler and n.fn == "process_training_data" for n in nodes)


@pytest.mark.slow
def test_an_abbreviation_alone_is_understood_as_its_organisation(trained_model):
    from rasa.core.agent import load_agent

    async def parse(texts: list[str]) -> list[dict]:
        agent = await load_agent(model_path=str(trained_model))
        return [await agent.parse_message(text) for text in texts]

    for parse_data in asyncio.run(parse(["bwc?", "what's bchc"])):
        assert parse_data["intent"]["name"] == "ask_organisation", parse_data["text"]
        assert len(parse_data["entities"]) == 1
