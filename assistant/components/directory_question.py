"""Treat a message that names a GP practice, a PCN or a postcode as a directory question.

"whats shah zamans number" or "give me the address for hall green health" are far from every
training example (the names are new to the classifier), so it calls them out of scope, or a
greeting; naming a practice, a PCN or a postcode settles that they are about the directory.
The directory intent the classifier ranks highest is taken; with none ranked, what is named
decides (a postcode: the practices near it; a PCN: its practices; a practice: its details).
Only the intents in ``unsure_intents`` are changed (out of scope, unsure, a greeting...): never
a safety intent, "no medical advice" or "cannot book"; nor a confident answer from the
knowledge base ("is Shah Zaman Surgery part of the ICS?"), nor a button's payload. A postcode
alone does not make an out-of-scope message a directory question ("I live at B15 2TT, can you
fix my boiler"): residents give their address for many things.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.directory.intents import INTENTS, NEAREST, PCN_PRACTICES, PRACTICE_CONTACT
from assistant.directory.lookup import DirectoryLookup, Mentions
from assistant.directory.store import read_districts, read_pcns, read_practices

FAQ = "faq"
OUT_OF_SCOPE = "out_of_scope"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DirectoryQuestion(GraphComponent):
    """Sets a directory intent on a message that names the directory and is not clearly else."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The intents a named practice, PCN or postcode may change; the faq confidence kept."""
        return {"unsure_intents": ["nlu_fallback", "out_of_scope"], "faq_confidence": 0.5}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DirectoryQuestion:
        """Create the component over the project's directory data (nothing to train).

        Only names and postcode districts are needed: no postcode lookup.
        """
        lookup = DirectoryLookup(read_practices(), read_pcns(), read_districts(), {})
        return cls({**cls.get_default_config(), **config}, lookup)

    def __init__(self, config: dict[str, Any], lookup: DirectoryLookup) -> None:
        self._unsure = frozenset(config["unsure_intents"])
        self._faq_confidence = float(config["faq_confidence"])
        self._lookup = lookup

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the directory intent of each message that names the directory, where it must."""
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/") or self._settled(message):
                continue
            mentions = self._lookup.mentions(text)
            place_only = mentions.place and not (mentions.practice or mentions.pcn)
            if place_only and (message.get(INTENT) or {}).get("name") == OUT_OF_SCOPE:
                continue  # "I live at B15 2TT, can you fix my boiler": a postcode, not a question
            if mentions.any:
                intent = self._ranked_directory_intent(message) or _named_intent(mentions)
                message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        return messages

    def _settled(self, message: Message) -> bool:
        """Not an unsure intent, or a confident knowledge-base answer."""
        intent = (message.get(INTENT) or {}).get("name")
        if intent != FAQ:
            return intent not in self._unsure
        response = (message.get("response_selector") or {}).get(FAQ, {}).get("response", {})
        return float(response.get("confidence", 0.0)) >= self._faq_confidence

    @staticmethod
    def _ranked_directory_intent(message: Message) -> str | None:
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            if ranked.get("name") in INTENTS:
                return str(ranked["name"])
        return None


def _named_intent(mentions: Mentions) -> str:
    if mentions.place:
        return NEAREST
    return PCN_PRACTICES if mentions.pcn else PRACTICE_CONTACT
