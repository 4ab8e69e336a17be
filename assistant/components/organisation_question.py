"""Treat an unsure message that names a partner organisation as a question about it.

And a question about a partner organisation's leaders ("who is the chief executive of UHB?")
is out of scope: the documents name only the ICS's, the ICB's and BCWB's own.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT
from rasa.shared.nlu.training_data.message import Message

from assistant.components.linear_classifier import FAR_FROM_KNOWN
from assistant.knowledge.organisation_patterns import ENTITY

ASK_ORGANISATION = "ask_organisation"
OUT_OF_SCOPE = "out_of_scope"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OrganisationQuestion(GraphComponent):
    """Sets ``ask_organisation`` when one organisation is named and the classifiers are unsure.

    "who are NHSE" or "what is BCHC" look like many knowledge-base questions to a classifier,
    which is then unsure which one (or finds them far from all of them); naming an organisation
    settles it. A message like the out-of-scope examples ("who runs the mental health trust")
    stays out of scope: the documents do not name other organisations' staff.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The faq confidence below which a named organisation decides, and the leader entries.

        ``leadership_entries`` name the ICS's, ICB's or BCWB's own leaders, never a partner
        organisation's.
        """
        return {"faq_confidence": 0.5, "leadership_entries": []}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OrganisationQuestion:
        """Create the component (nothing to train)."""
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: dict[str, Any]) -> None:
        self._faq_confidence = float(config["faq_confidence"])
        self._leadership = frozenset(f"faq/{entry}" for entry in config["leadership_entries"])

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent of each message that names a partner organisation, where it must change.

        Out of scope: a leader entry chosen for it. ``ask_organisation``: it is unsure and
        names exactly one organisation.
        """
        for message in messages:
            named = {e["value"] for e in message.get(ENTITIES) or [] if e.get("entity") == ENTITY}
            chosen = self._selection(message).get("intent_response_key")
            if named and chosen in self._leadership:
                message.set(INTENT, {"name": OUT_OF_SCOPE, "confidence": 1.0}, add_to_output=True)
            elif len(named) == 1 and self._unsure(message):
                message.set(
                    INTENT, {"name": ASK_ORGANISATION, "confidence": 1.0}, add_to_output=True
                )
        return messages

    @staticmethod
    def _selection(message: Message) -> dict[str, Any]:
        """The entry chosen for a faq message (``intent_response_key``, ``confidence``), or {}."""
        if (message.get(INTENT) or {}).get("name") != "faq":
            return {}
        return dict((message.get("response_selector") or {}).get("faq", {}).get("response", {}))

    def _unsure(self, message: Message) -> bool:
        intent = (message.get(INTENT) or {}).get("name")
        if intent == "nlu_fallback" or (intent == OUT_OF_SCOPE and message.get(FAR_FROM_KNOWN)):
            return True
        if intent != "faq":
            return False
        return float(self._selection(message).get("confidence", 0.0)) < self._faq_confidence
