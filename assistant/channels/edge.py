"""The edge: the only place text changes language; NLU, rules, actions and the KB stay English.

For each incoming message: clean it; decide its language (the resident's explicit choice, then
a request to switch, then the conversation's language, then detection); translate it to English
when a machine-translation pack exists (never an emergency message: curated phrases in every
Tier-1 language are understood as they are); and localise every reply on its way out.
"""

import logging
import os
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import UserUttered
from sanic import Sanic

from assistant.channels.output import LocalisingOutput
from assistant.language import Registry, decide, default_registry
from assistant.messages import message
from assistant.safety import SafetyPhrases, all_safety_phrases
from assistant.text_cleaning import clean_message
from assistant.translation.curated import curated
from assistant.translation.localiser import Localiser
from assistant.translation.machine import DEFAULT_BUDGET_SECONDS, MachineTranslator

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
# How long a reply may wait for machine translation before it goes out in English.
BUDGET_ENV = "BSOL_TRANSLATION_BUDGET_SECONDS"
ENGLISH = "en"
SWITCH_PAYLOAD = "/switch_language"


class Edge:
    """Everything the edge needs: languages, safety phrases, machine translation, localiser."""

    def __init__(
        self, registry: Registry, safety: SafetyPhrases, machine: MachineTranslator
    ) -> None:
        self.registry = registry
        self.safety = safety
        self.machine = machine
        self.localiser = Localiser(curated, machine.translate)

    def handler(self, on_new_message: Handler) -> Handler:
        """Wrap Rasa's message handler with cleaning, language and error handling."""

        async def handle(user_message: UserMessage) -> None:
            try:
                await self._prepare(user_message)
                await on_new_message(user_message)
            except Exception:
                # Logged without the text, which may hold personal details.
                logger.exception("Could not handle a message from %s", user_message.sender_id)
                await user_message.output_channel.send_text_message(
                    user_message.sender_id, message("technical_problem")
                )

        return handle

    async def _prepare(self, user_message: UserMessage) -> None:
        text = clean_message(user_message.text)
        metadata = dict(user_message.metadata or {})
        explicit = metadata.get("language") if isinstance(metadata.get("language"), str) else None
        # An explicit choice (the widget sends one with every message) needs no tracker read.
        previous = None if explicit else await conversation_language(user_message.sender_id)
        decision = decide(explicit, previous, text, self.registry)
        language = self.registry.get(decision.language) or self.registry.get(ENGLISH)
        if decision.reason == "switch":
            text = SWITCH_PAYLOAD
        elif self._should_translate(text, language.code):
            translated = self.machine.translate(text, language.code, ENGLISH)
            if translated:
                metadata["original_text"] = text
                text = translated
        metadata.update(language=language.code, language_reason=decision.reason)
        user_message.text = text
        user_message.metadata = metadata
        user_message.output_channel = LocalisingOutput(
            user_message.output_channel, language, self.localiser
        )

    def _should_translate(self, text: str, language: str) -> bool:
        """Translate in only real text, in another language, with a pack, and no emergency."""
        return (
            language != ENGLISH
            and not text.startswith("/")
            and self.safety.category(text) is None
            and self.machine.can_translate(language, ENGLISH)
        )


async def conversation_language(sender_id: str) -> str | None:
    """The language of the conversation's last message, from the tracker store.

    Kept in the tracker (as the user message's metadata), it survives a restart and is shared by
    every server instance that uses the same tracker store.
    """
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # no app or store yet: decide from the message alone
        logger.warning("Could not read the conversation's language", exc_info=True)
        return None
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered) and (event.metadata or {}).get("language"):
            return str(event.metadata["language"])
    return None


@lru_cache(maxsize=1)
def default_edge() -> Edge:
    """The project's edge, built when the channels start (not at import).

    Installed translation packs are loaded here, so the first resident does not wait for them.
    """
    budget = float(os.environ.get(BUDGET_ENV, DEFAULT_BUDGET_SECONDS))
    machine = MachineTranslator(budget_seconds=budget)
    machine.warm_up()
    return Edge(default_registry(), all_safety_phrases(), machine)
