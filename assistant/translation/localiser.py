"""Put an outgoing bot message into the resident's language.

Order for every message: curated translation → machine translation → English with a short
notice in the resident's language. Safety messages are never machine-translated: without a
curated translation they go out in English, unchanged, so 999 still comes first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.messages import message
from assistant.payloads import FAQ_INTENT, payload_entities
from assistant.translation.curated import CuratedTranslations

# (text, source language, target language) → translation, or None if it cannot be had in time
MachineTranslate = Callable[[str, str, str], "str | None"]
Curated = Callable[[str], "CuratedTranslations | None"]

# Never machine-translated; every Tier-1 language must curate them (make validate checks).
SAFETY_RESPONSES = (
    "utter_emergency",
    "utter_crisis",
    "utter_urgent_care",
    "utter_no_medical_advice",
)
# Values that are names, citations or language names: they stay as they are in every language.
KEPT_VALUES = frozenset({"name", "source", "languages"})
ENGLISH = "en"


@dataclass(frozen=True)
class Localised:
    """A message's text and buttons in the target language, and how they were obtained.

    Attributes:
        text: The text to send.
        buttons: The buttons, titles translated where possible.
        translation: "none" (English asked for), "curated", "machine" or "english" (fallback).
    """

    text: str | None
    buttons: list[dict[str, Any]] | None
    translation: str


class Localiser:
    """Localises messages using curated translations first, then a machine translator."""

    def __init__(self, curated: Curated, machine: MachineTranslate | None = None) -> None:
        """Create a localiser.

        Args:
            curated: Returns a language's curated translations (or None).
            machine: Translates text between two languages, or returns None.
        """
        self._curated = curated
        self._machine = machine

    def localise(self, message: dict[str, Any], language: str) -> Localised:
        """Localise a message as Rasa hands it to an output channel.

        ``message`` carries the English ``text`` and ``buttons`` and, to find curated text,
        ``utter_action`` (a domain response) or ``message_key`` with ``message_values`` (a text
        composed by an action), and ``kb_entry`` for a knowledge-base answer.
        """
        text, buttons = message.get("text"), message.get("buttons")
        if language == ENGLISH or not (text or buttons):
            return Localised(text, buttons, "none")
        curated = self._curated(language)
        key = message.get("message_key") or message.get("utter_action")
        template = curated.responses.get(key) if curated and key else None
        if template is not None:
            values, used_machine, used_english = self._values(message, language, curated)
            localised_text = template.text.format(**values) if values else template.text
            translation = "machine" if used_machine else "curated"
            if used_english:
                translation = "english"
            return Localised(
                self._with_notice(localised_text, translation, curated, key, language),
                self._buttons(buttons, language, curated),
                translation,
            )
        if key in SAFETY_RESPONSES:
            return Localised(text, buttons, "english")
        machine_text = self._translate(text, language) if text else None
        if machine_text is not None:
            return Localised(
                self._with_notice(machine_text, "machine", curated, key, language),
                self._buttons(buttons, language, curated),
                "machine",
            )
        return Localised(
            self._with_notice(text, "english", curated, key, language),
            self._buttons(buttons, language, curated),
            "english",
        )

    def _values(
        self, message: dict[str, Any], language: str, curated: CuratedTranslations
    ) -> tuple[dict[str, str], bool, bool]:
        """The message's values in the target language; whether machine or English was used."""
        values = dict(message.get("message_values") or {})
        used_machine = used_english = False
        for name, value in values.items():
            if name in KEPT_VALUES:
                continue
            if name == "answer" and message.get("kb_entry") in curated.kb:
                values[name] = curated.kb[message["kb_entry"]].text
                continue
            translated = self._translate(str(value), language)
            if translated is None:
                used_english = True
            else:
                values[name], used_machine = translated, True
        return values, used_machine, used_english

    def _buttons(
        self,
        buttons: list[dict[str, Any]] | None,
        language: str,
        curated: CuratedTranslations | None,
    ) -> list[dict[str, Any]] | None:
        """Button titles: a question's curated title, else machine-translated, else English."""
        if not buttons:
            return buttons
        return [{**button, "title": self._title(button, language, curated)} for button in buttons]

    def _title(
        self, button: dict[str, Any], language: str, curated: CuratedTranslations | None
    ) -> str:
        entry = (payload_entities(str(button.get("payload", "")), FAQ_INTENT) or {}).get("entry")
        if curated is not None and entry in curated.questions:
            return curated.questions[entry].text
        return self._translate(button["title"], language) or button["title"]

    def _translate(self, text: str, language: str) -> str | None:
        return self._machine(text, ENGLISH, language) if self._machine else None

    def _with_notice(
        self,
        text: str | None,
        translation: str,
        curated: CuratedTranslations | None,
        key: str | None,
        language: str,
    ) -> str | None:
        """Add the notice that says the text was machine-translated, or is in English.

        The notice is curated where the language has it; otherwise it is itself machine-translated
        (or, failing that, in English).
        """
        if text is None or key in SAFETY_RESPONSES or translation in ("none", "curated"):
            return text
        notice_key = (
            "machine_translated_notice" if translation == "machine" else "answer_in_english_notice"
        )
        curated_notice = curated.responses.get(notice_key) if curated else None
        if curated_notice is not None:
            notice = curated_notice.text
        else:
            notice = self._translate(message(notice_key), language) or message(notice_key)
        return f"{text}\n{notice}" if translation == "machine" else f"{notice}\n{text}"
