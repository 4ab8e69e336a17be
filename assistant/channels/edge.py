"""The edge: the only place text changes language; NLU, rules, actions and the KB stay English.

For each incoming message: clean it; decide its language (the resident's explicit choice, then
a request to switch, then the conversation's language, then detection); translate it to English
when a machine-translation pack exists (never an emergency message: curated phrases in every
Tier-1 language are understood as they are); and localise every reply on its way out. Slow work
(translation, the tracker store) is awaited, never run on the event loop; what the edge needs is
passed in, so it is tested with fakes.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import UserUttered

from assistant import log_privacy
from assistant.channels.output import LocalisingOutput
from assistant.language import ConversationLanguage, Language, Registry, decide, is_choice
from assistant.messages import message
from assistant.safety import SafetyPhrases
from assistant.storage import outcome
from assistant.text_cleaning import clean_message
from assistant.translation.localiser import Localiser

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
LanguageLookup = Callable[[str], Awaitable["ConversationLanguage | None"]]
ENGLISH = "en"
SWITCH_PAYLOAD = "/switch_language"
# User-message metadata: the language the resident chose, kept until they choose another.
CHOSEN_LANGUAGE = "language_chosen"


class Translator(Protocol):
    """What the edge needs of machine translation (``MachineTranslator`` has it)."""

    def can_translate(self, source: str, target: str) -> bool:
        """Whether the pair can be translated."""

    async def translate_async(self, text: str, source: str, target: str) -> str | None:
        """The translation, or None if it cannot be had within the budget."""


@dataclass
class Edge:
    """Cleans, decides the language, translates in, and localises out.

    Attributes:
        registry: The supported languages.
        safety: The curated emergency phrases (an emergency is never machine-translated).
        translator: Machine translation, awaited off the event loop.
        localiser: Puts each reply into the resident's language.
        conversation_language: A conversation's language so far (and whether the resident
            chose it), or None.
        max_message_chars: Messages are cut to this length before anything else reads them.
    """

    registry: Registry
    safety: SafetyPhrases
    translator: Translator
    localiser: Localiser
    conversation_language: LanguageLookup
    max_message_chars: int

    def handler(self, on_new_message: Handler) -> Handler:
        """Wrap Rasa's message handler with cleaning, language, storage checks and errors."""

        async def handle(user_message: UserMessage) -> None:
            raw = user_message.text if isinstance(user_message.text, str) else ""
            with log_privacy.handling(raw[: self.max_message_chars * 4]):
                record = outcome.begin()
                try:
                    output = await self._prepare(user_message)
                    sent_before = output.sent
                    await on_new_message(user_message)
                except Exception:
                    # Logged without the text, which may hold personal details.
                    logger.exception("Could not handle a message from %s", user_message.sender_id)
                    await self.reply(user_message, "technical_problem")
                    return
                if output.sent == sent_before:
                    # Rasa logs a failed action (the action server down) and sends nothing.
                    logger.error("No reply was produced for %s", user_message.sender_id)
                    await self.reply(user_message, "technical_problem")
                if record.failed:
                    await self.reply(user_message, "message_not_saved")

        return handle

    async def reply(self, user_message: UserMessage, key: str) -> None:
        """Send the edge's own message ``key`` (a data/messages name), localised."""
        output = self.localising(user_message.output_channel, self.language(ENGLISH))
        reply = {"text": message(key), "message_key": key}
        await output.send_response(user_message.sender_id, reply)

    def language(self, code: object) -> Language:
        """The registry's language for ``code``, or English."""
        found = self.registry.get(code) if isinstance(code, str) else None
        return found or self.registry.get(ENGLISH)  # type: ignore[return-value]

    def localising(self, output: Any, language: Language) -> LocalisingOutput:
        """``output`` wrapped so that every message leaves in ``language``."""
        if isinstance(output, LocalisingOutput):
            return output
        return LocalisingOutput(output, language, self.localiser)

    async def _prepare(self, user_message: UserMessage) -> LocalisingOutput:
        """Clean, decide the language and translate in; return the localising output."""
        text = clean_message(user_message.text, self.max_message_chars)
        log_privacy.also_hide(text)
        metadata = dict(user_message.metadata or {})
        explicit = metadata.get("language") if isinstance(metadata.get("language"), str) else None
        # An explicit choice (the widget sends one with every message) needs no tracker read.
        previous = None if explicit else await self.conversation_language(user_message.sender_id)
        decision = decide(
            explicit,
            previous.code if previous else None,
            text,
            self.registry,
            chosen=previous is not None and previous.chosen,
        )
        # An emergency is answered in the language of its phrase when that has curated texts.
        language = self.safety.reply_language(text, self.language(decision.language))
        if decision.reason == "switch":
            text = SWITCH_PAYLOAD
        elif self._should_translate(text, language.code):
            translated = await self.translator.translate_async(text, language.code, ENGLISH)
            if translated:
                log_privacy.also_hide(translated)
                metadata["original_text"] = text
                text = translated
        metadata.update(language=language.code, language_reason=decision.reason)
        if is_choice(decision, previous):
            # The language asked for, kept by the next messages (not an emergency's reply language).
            metadata[CHOSEN_LANGUAGE] = decision.language
        user_message.text = text
        user_message.metadata = metadata
        output = self.localising(user_message.output_channel, language)
        user_message.output_channel = output
        return output

    def _should_translate(self, text: str, language: str) -> bool:
        """Translate in only real text, in another language, with a pack, and no emergency."""
        return (
            language != ENGLISH
            and not text.startswith("/")
            and self.safety.category(text) is None
            and self.translator.can_translate(language, ENGLISH)
        )


class TrackerLanguage:
    """A conversation's language, its last message's or the one the resident chose, from the store.

    Kept in the tracker (as the user message's metadata), it survives a restart and is shared by
    every server that uses the same tracker store. The store is bound when the server has
    loaded its agent; until then (and if the store fails) the message alone decides.
    """

    def __init__(self, store: TrackerStore | None = None) -> None:
        self._store = store

    def bind(self, store: TrackerStore) -> None:
        """Read from ``store`` from now on."""
        self._store = store

    async def __call__(self, sender_id: str) -> ConversationLanguage | None:
        """The conversation's language, or None if it has none yet or the store is unusable."""
        if self._store is None:
            return None
        try:
            tracker = await self._store.retrieve(sender_id)
        except Exception:
            logger.warning("Could not read the conversation's language", exc_info=True)
            return None
        for event in reversed(tracker.events if tracker else []):
            metadata = event.metadata or {} if isinstance(event, UserUttered) else {}
            if metadata.get(CHOSEN_LANGUAGE):
                return ConversationLanguage(str(metadata[CHOSEN_LANGUAGE]), chosen=True)
            if metadata.get("language"):
                return ConversationLanguage(str(metadata["language"]))
        return None
