"""The featurizer adds one sentence embedding per text; training keeps them between trainings."""

from pathlib import Path

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components.multilingual_featurizer import MultilingualSentenceFeaturizer
from assistant.embedding_cache import EmbeddingCache
from assistant.embeddings import DIMENSION, SentenceEncoder


class CountingEngine:
    """Stands in for the e5 engine: a fixed unit vector per text; counts the texts it embeds."""

    def __init__(self) -> None:
        self.embedded = 0

    def query(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, len(text) % DIMENSION] = 1.0
        return vectors

    def token_count(self, text: str, is_query: bool = False) -> int:
        return len(text.split()) + 2


def training_data(*texts: str) -> TrainingData:
    return TrainingData([Message({TEXT: text, "intent": "faq"}) for text in texts])


def sentence_of(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT)
    return np.asarray(sentence.features).reshape(-1)


def test_a_retraining_embeds_only_new_example_phrasings(tmp_path: Path):
    engine = CountingEngine()
    encoder = SentenceEncoder(engine)
    cache = EmbeddingCache(tmp_path / "cache.npz", encoder.identity)
    featurizer = MultilingualSentenceFeaturizer({}, "featurizer", encoder, cache)
    featurizer.process_training_data(training_data("what is a PCN", "who chairs the ICS"))
    again = training_data("what is a PCN", "who chairs the ICS", "what is the ICB")
    featurizer.process_training_data(again)
    assert engine.embedded == 3
    (first, *_) = again.training_examples
    np.testing.assert_array_equal(sentence_of(first), engine.query(["what is a PCN"])[0])


def test_a_message_is_embedded_without_the_cache(tmp_path: Path):
    engine = CountingEngine()
    encoder = SentenceEncoder(engine)
    cache = EmbeddingCache(tmp_path / "cache.npz", encoder.identity)
    featurizer = MultilingualSentenceFeaturizer({}, "featurizer", encoder, cache)
    (message,) = featurizer.process([Message({TEXT: "what is a PCN"})])
    assert sentence_of(message).shape == (DIMENSION,)
    assert not (tmp_path / "cache.npz").exists()
