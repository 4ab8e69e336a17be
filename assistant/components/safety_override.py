"""Make sure emergencies are signposted, whatever the classifiers predicted."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.safety import SafetyPhrases, all_safety_phrases, load_safety_phrases


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent):
    """Sets the intent to ``emergency``, ``crisis`` or ``urgent_care`` for curated phrases.

    It runs last in the pipeline, after the ``FallbackClassifier``, so a message such as
    "my dad has chest pain" is signposted to 999 even when the classifiers were unsure.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """One phrase file to use instead of every language's (English and translations/safety)."""
        return {"phrases_file": None}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyOverride:
        """Read the curated phrases."""
        path = config.get("phrases_file")
        return cls(load_safety_phrases(path) if path else all_safety_phrases())

    def __init__(self, phrases: SafetyPhrases) -> None:
        self._phrases = phrases

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of each message that contains a curated safety phrase."""
        for message in messages:
            category = self._phrases.category(message.get(TEXT) or "")
            if category is None:
                continue
            ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i["name"] != category]
            intent = {"name": category, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
