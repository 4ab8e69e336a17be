"""One linear classifier for the intent and the knowledge-base entry, and an honest "I don't know".

Each example's label is its intent, or ``faq/<entry_id>`` for the retrieval intent, so a single
linear SVM over character n-grams and the (centred) multilingual sentence embedding decides both;
its scores become confidences by a softmax. It writes Rasa's usual ``intent``,
``intent_ranking`` and ``response_selector`` output, so rules, actions and ``rasa test`` are
unchanged. It replaces DIET, Rasa's FallbackClassifier and the former FaqSelector.

A message is not guessed at when it is far from every example the assistant knows (its nearest
in-scope example phrasing, in the centred embedding space, is less similar than
``min_similarity``): it becomes ``out_of_scope``, as do questions like the out-of-scope examples
(people, budgets, contact details the documents do not give). A message near known questions
but without a clear winner (top confidence below ``fallback_threshold``) is ``nlu_fallback``.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from assistant.components.feature_text import feature_text
from assistant.components.multilingual_featurizer import MultilingualSentenceFeaturizer

MODEL_FILE = "linear_classifier.pkl"
RANKING_LENGTH = 10
FALLBACK_INTENT = "nlu_fallback"
# Set (not in the output) on a message made out_of_scope for being far from every known question,
# as opposed to one like the out-of-scope examples; read by OrganisationQuestion.
FAR_FROM_KNOWN = "far_from_known"


@dataclass
class _Model:
    """What training learns: features, classifier and the in-scope examples' embeddings."""

    vectorizer: TfidfVectorizer
    classifier: LinearSVC
    mean_embedding: np.ndarray
    known: np.ndarray  # centred, normalised embeddings of in-scope examples (float16)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent):
    """Predicts the intent and, for ``faq``, the entry; unsure or unknown → fallback intents."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The retrieval intent, the classifier's settings and the two honesty thresholds."""
        return {
            "retrieval_intent": "faq",
            "out_of_scope_intent": "out_of_scope",
            "embedding_weight": 2.0,
            "regularisation_c": 0.5,
            "temperature": 0.1,
            "fallback_threshold": 0.45,
            "min_similarity": 0.0,
            "random_seed": 42,
        }

    @classmethod
    def required_components(cls) -> list[type]:
        """The sentence embeddings come from this featurizer."""
        return [MultilingualSentenceFeaturizer]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """Create an untrained classifier."""
        return cls(config, model_storage, resource)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: _Model | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        # float16 on disk keeps the model small; float32 in memory keeps each parse fast
        self._known = model.known.astype(np.float32) if model is not None else None

    def _label(self, message: Message) -> str:
        if message.get(INTENT) == self._config["retrieval_intent"]:
            return str(message.get(INTENT_RESPONSE_KEY))
        return str(message.get(INTENT))

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the classifier on every intent example and store it in the model."""
        examples = [
            m for m in training_data.intent_examples
            if m.get(INTENT) != self._config["retrieval_intent"] or m.get(INTENT_RESPONSE_KEY)
        ]  # fmt: skip
        labels = [self._label(m) for m in examples]
        raw = np.vstack([_sentence_embedding(m) for m in examples])
        mean = raw.mean(axis=0)
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
        vectorizer.fit([feature_text(m) for m in examples])
        in_scope = np.array([label != self._config["out_of_scope_intent"] for label in labels])
        classifier = LinearSVC(
            C=self._config["regularisation_c"], random_state=self._config["random_seed"]
        )
        known = _centred(raw, mean)[in_scope].astype(np.float16)
        self._model = _Model(vectorizer, classifier, mean, known)
        self._known = known.astype(np.float32)
        classifier.fit(self._features(examples, raw), labels)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self._model))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Load the classifier stored at training time."""
        with model_storage.read_from(resource) as directory:
            model = pickle.loads((directory / MODEL_FILE).read_bytes())
        return cls(config, model_storage, resource, model)

    def _features(self, messages: list[Message], raw: np.ndarray) -> csr_matrix:
        assert self._model is not None
        ngrams = self._model.vectorizer.transform([feature_text(m) for m in messages])
        dense = _centred(raw, self._model.mean_embedding) * self._config["embedding_weight"]
        return hstack([ngrams, csr_matrix(dense)]).tocsr()

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent, its ranking and, for the retrieval intent, the chosen entry."""
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text or self._model is None or self._known is None:
            return messages
        raw = np.vstack([_sentence_embedding(m) for m in with_text])
        scores = self._model.classifier.decision_function(self._features(with_text, raw))
        scores = np.exp((scores - scores.max(axis=1, keepdims=True)) / self._config["temperature"])
        probabilities = scores / scores.sum(axis=1, keepdims=True)
        nearest = (_centred(raw, self._model.mean_embedding) @ self._known.T).max(axis=1)
        labels = [str(label) for label in self._model.classifier.classes_]
        for message, row, similarity in zip(with_text, probabilities, nearest, strict=True):
            self._set_prediction(message, labels, row, float(similarity))
        return messages

    def _set_prediction(
        self, message: Message, labels: list[str], row: np.ndarray, similarity: float
    ) -> None:
        retrieval = self._config["retrieval_intent"]
        prefix = retrieval + "/"
        by_intent: dict[str, float] = {}
        for label, probability in zip(labels, row, strict=True):
            name = retrieval if label.startswith(prefix) else label
            by_intent[name] = by_intent.get(name, 0.0) + float(probability)
        ranking = [
            {"name": name, "confidence": confidence}
            for name, confidence in sorted(by_intent.items(), key=lambda item: -item[1])
        ][:RANKING_LENGTH]
        best = int(np.argmax(row))
        is_entry = labels[best].startswith(prefix)
        confidence = float(row[best])
        intent: dict[str, Any] = {
            "name": retrieval if is_entry else labels[best],
            "confidence": confidence,
        }
        # Ranked for every message, so a follow-up ("who chairs it?") can be read against the
        # conversation's last answer whatever its intent.
        self._set_entry(message, labels, row)
        if similarity < self._config["min_similarity"]:
            intent = {"name": self._config["out_of_scope_intent"], "confidence": 1 - similarity}
            message.set(FAR_FROM_KNOWN, True)
        elif confidence < self._config["fallback_threshold"]:
            intent = {"name": FALLBACK_INTENT, "confidence": 1 - confidence}
        ranking = [intent, *(r for r in ranking if r["name"] != intent["name"])]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _set_entry(self, message: Message, labels: list[str], row: np.ndarray) -> None:
        """Add the ranked entries, in the ResponseSelector's output format."""
        retrieval = self._config["retrieval_intent"]
        entries = [i for i, label in enumerate(labels) if label.startswith(retrieval + "/")]
        total = float(row[entries].sum())
        order = sorted(entries, key=lambda i: -row[i])[:RANKING_LENGTH]
        ranking: list[dict[str, Any]] = [
            {"confidence": float(row[i]) / total, INTENT_RESPONSE_KEY: labels[i]} for i in order
        ]
        best = ranking[0]
        selected = {
            "responses": [],
            "confidence": best["confidence"],
            INTENT_RESPONSE_KEY: best[INTENT_RESPONSE_KEY],
            "utter_action": f"utter_{best[INTENT_RESPONSE_KEY]}",
        }
        message.set(
            "response_selector",
            {
                "all_retrieval_intents": [retrieval],
                retrieval: {"response": selected, "ranking": ranking},
            },
            add_to_output=True,
        )


def _centred(embeddings: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Embeddings minus the training mean, re-normalised to unit length."""
    centred = embeddings - mean
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)


def _sentence_embedding(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT)
    if sentence is None:
        raise ValueError(
            "LinearIntentClassifier needs the MultilingualSentenceFeaturizer before it"
        )
    return np.asarray(sentence.features, dtype=np.float32).reshape(-1)
