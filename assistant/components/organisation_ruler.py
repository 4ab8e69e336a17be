"""Find partner organisations in messages with a spaCy entity ruler built from the KB."""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components.feature_text import FEATURE_TEXT
from assistant.knowledge import default_knowledge_base
from assistant.knowledge.organisation_patterns import (
    build_matcher,
    find_organisations,
    full_names,
    organisation_patterns,
    with_full_names,
)

PATTERNS_FILE = "organisation_patterns.json"


# Also a message featurizer: Rasa runs ``process_training_data`` in training only for tokenizers
# and featurizers, and the training examples need their feature text too.
@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=True,
)
class OrganisationEntityRuler(GraphComponent, EntityExtractorMixin):
    """Adds an ``organisation`` entity (value: the organisation's id) for each name or alias.

    It also sets each message's feature text (``assistant.components.feature_text``): the text
    with every organisation's full name, for the featurizer and classifier after it. The
    patterns are taken from ``data/kb/organisations.yml`` at training time and stored in the
    model, so a trained model answers the same way wherever it runs.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OrganisationEntityRuler:
        """Create an untrained ruler."""
        return cls(model_storage, resource, patterns=[])

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, patterns: list[dict[str, str]]
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._use(patterns)

    def _use(self, patterns: list[dict[str, str]]) -> None:
        self._patterns = patterns
        self._nlp = build_matcher(patterns)
        self._names = full_names(patterns)

    def train(self, training_data: TrainingData) -> Resource:
        """Build the patterns from the knowledge base and store them in the model."""
        self._use(organisation_patterns(default_knowledge_base()))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PATTERNS_FILE).write_text(json.dumps(self._patterns), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> OrganisationEntityRuler:
        """Load the patterns stored at training time."""
        with model_storage.read_from(resource) as directory:
            patterns = json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, patterns)

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the organisations named in each message to its entities; set its feature text."""
        for message in messages:
            found = self._found(message)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Set every example's feature text (its entities stay as written: none are learned)."""
        for message in training_data.training_examples:
            self._found(message)
        return training_data

    def _found(self, message: Message) -> list[dict[str, Any]]:
        """The organisations named in the message; sets its feature text as a side effect."""
        text = message.get(TEXT) or ""
        found = self.add_extractor_name(find_organisations(self._nlp, text))
        if found:
            message.set(FEATURE_TEXT, with_full_names(text, found, self._names))
        return found
