"""Put an outgoing bot message into the resident's language.

Order for every message: curated translation → machine translation → English with a short
notice in the resident's language. Safety messages are never machine-translated: without a
curated translation they go out in English, unchanged, so 999 still comes first. In a
right-to-left language, every left-to-right run (a name, a number) is isolated
(:mod:`assistant.translation.bidi`), in the text and the button titles alike.
"""

import asyncio
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from assistant.messages import message as english_message
from assistant.payloads import FAQ_INTENT, names_practice_or_pcn, payload_entities
from assistant.translation.bidi import isolate_left_to_right
from assistant.translation.curated import CuratedTranslations

Curated = Callable[[str], "CuratedTranslations | None"]
# What came back from machine translation in time: English text → translation, or None.
Found = Mapping[str, "str | None"]


class AsyncTranslator(Protocol):
    """Machine translation as the localiser uses it (:class:`MachineTranslator` is one)."""

    async def translate_async(
        self, text: str, source: str, target: str, budget_seconds: float | None = None
    ) -> str | None:
        """The translation, or None if it cannot be had within the translator's budget."""


# Never machine-translated; every Tier-1 language must curate them (make validate checks).
SAFETY_RESPONSES = (
    "utter_emergency",
    "utter_crisis",
    "utter_urgent_care",
    "utter_no_medical_advice",
)
# Values that are names, citations, language names or the directory's data (addresses, phone
# numbers, postcodes, dates, figures, lists of practices): they stay as they are in every language.
KEPT_VALUES = frozenset(
    {
        "name", "source", "languages",
        "practice", "address", "postcode", "pcn", "phone", "practices", "place", "district",
        "km", "date", "practice_count", "pcn_count", "west_count",
    }
)  # fmt: skip
# A message with one of these values is never machine-translated whole (a translation engine
# may change a digit of a phone number): without a curated template it goes out in English.
EXACT_VALUES = frozenset({"phone", "practices"})
ENGLISH = "en"
MACHINE_NOTICE = "machine_translated_notice"
ENGLISH_NOTICE = "answer_in_english_notice"
NOTICES = (MACHINE_NOTICE, ENGLISH_NOTICE)


@dataclass(frozen=True)
class Localised:
    """A message's text and buttons in the target language, and how they were obtained.

    Attributes:
        text: The text to send.
        buttons: The buttons, titles translated where possible.
        translation: "none" (English asked for), "curated", "machine" or "english" (fallback).
        notice: The notice added to the text (its data/messages key), or None.
    """

    text: str | None
    buttons: list[dict[str, Any]] | None
    translation: str
    notice: str | None = None


class Localiser:
    """Localises messages using curated translations first, then a machine translator."""

    def __init__(
        self,
        curated: Curated,
        machine: AsyncTranslator | None = None,
        right_to_left: Collection[str] = (),
    ) -> None:
        """Create a localiser.

        Args:
            curated: Returns a language's curated translations (or None).
            machine: Translates text between two languages within its time budget, or returns
                None; without one, what is not curated goes out in English.
            right_to_left: The codes of the right-to-left languages (``direction: rtl`` in
                data/languages.yml); their messages get their left-to-right runs isolated.
        """
        self._curated = curated
        self._machine = machine
        self._right_to_left = frozenset(right_to_left)

    async def localise(
        self, message: dict[str, Any], language: str, noticed: Collection[str] = ()
    ) -> Localised:
        """Localise a message as Rasa hands it to an output channel.

        ``message`` carries the English ``text`` and ``buttons`` and, to find curated text,
        ``utter_action`` (a domain response) or ``message_key`` with ``message_values`` (a text
        composed by an action), and ``kb_entry`` for a knowledge-base answer. Every text the
        message needs from machine translation is asked for at once, so the message waits one
        time budget in all; what is not back by then goes out in English. A notice already in
        ``noticed`` (given earlier in the same reply) is not repeated.
        """
        localised = await self._localise(message, language, noticed)
        return _isolated(localised) if language in self._right_to_left else localised

    async def _localise(
        self, message: dict[str, Any], language: str, noticed: Collection[str]
    ) -> Localised:
        """The message in ``language``, before any bidirectional isolation."""
        text, buttons = message.get("text"), message.get("buttons")
        if language == ENGLISH or not (text or buttons):
            return Localised(text, buttons, "none")
        curated = self._curated(language)
        key = message.get("message_key") or message.get("utter_action")
        template = curated.responses.get(key) if curated and key else None
        if template is None and key in SAFETY_RESPONSES:
            return Localised(text, buttons, "english")
        exact = not EXACT_VALUES.isdisjoint(message.get("message_values") or {})
        if template is not None and curated is not None:
            values, machine_values = _values(message, curated)
            wanted = [str(values[name]) for name in machine_values]
            needs_notice = bool(machine_values)
        else:
            values, machine_values = {}, []
            wanted = [text] if text and not exact else []
            needs_notice = text is not None
        wanted += [
            b["title"]
            for b in buttons or []
            if not _kept_title(b) and _curated_title(b, curated) is None
        ]
        if needs_notice and key not in SAFETY_RESPONSES:
            wanted += [
                english_message(k) for k in NOTICES if k not in noticed and not _has(curated, k)
            ]
        found = await self._translate_all(wanted, language)
        localised_text: str | None
        if template is not None:
            localised_text, translation = _fill(template.text, values, machine_values, found)
        elif text and found.get(text) is not None:
            localised_text, translation = found.get(text), "machine"
        else:
            localised_text, translation = text, "english"
        with_notice, notice = _with_notice(
            localised_text, translation, curated, key, found, noticed
        )
        return Localised(with_notice, _buttons(buttons, curated, found), translation, notice)

    async def _translate_all(self, texts: list[str], language: str) -> Found:
        """Machine-translate every text at once: they share one time budget."""
        unique = list(dict.fromkeys(texts))
        if self._machine is None or not unique:
            return {}
        translations = await asyncio.gather(
            *(self._machine.translate_async(text, ENGLISH, language) for text in unique)
        )
        return dict(zip(unique, translations, strict=True))


def _isolated(localised: Localised) -> Localised:
    """The message with the left-to-right runs of its text and button titles isolated."""
    text = localised.text and isolate_left_to_right(localised.text)
    buttons = localised.buttons and [
        {**button, "title": isolate_left_to_right(str(button["title"]))}
        for button in localised.buttons
    ]
    return replace(localised, text=text, buttons=buttons)


def _values(
    message: dict[str, Any], curated: CuratedTranslations
) -> tuple[dict[str, Any], list[str]]:
    """A message's values, its curated KB answer put in; and the names to machine-translate."""
    values = dict(message.get("message_values") or {})
    entry = message.get("kb_entry")
    machine_values = []
    for name in values:
        if name in KEPT_VALUES:
            continue
        if name == "answer" and entry in curated.kb:
            values[name] = curated.kb[entry].text
        else:
            machine_values.append(name)
    return values, machine_values


def _fill(
    template: str, values: dict[str, Any], machine_values: list[str], found: Found
) -> tuple[str, str]:
    """A curated template with its values filled in, and "curated", "machine" or "english"."""
    filled = dict(values)
    used_machine = used_english = False
    for name in machine_values:
        translated = found.get(str(values[name]))
        if translated is None:
            used_english = True
        else:
            filled[name], used_machine = translated, True
    text = template.format(**filled) if filled else template
    if used_english:
        return text, "english"
    return text, "machine" if used_machine else "curated"


def _has(curated: CuratedTranslations | None, key: str) -> bool:
    return curated is not None and key in curated.responses


def _curated_title(button: dict[str, Any], curated: CuratedTranslations | None) -> str | None:
    """A question button's curated title, if the language has one."""
    entry = (payload_entities(str(button.get("payload", "")), FAQ_INTENT) or {}).get("entry")
    if curated is not None and entry in curated.questions:
        return curated.questions[entry].text
    return None


def _kept_title(button: dict[str, Any]) -> bool:
    """Whether a button's title is a name kept as it is (a GP practice's or a PCN's)."""
    return names_practice_or_pcn(str(button.get("payload", "")))


def _buttons(
    buttons: list[dict[str, Any]] | None, curated: CuratedTranslations | None, found: Found
) -> list[dict[str, Any]] | None:
    """Button titles: names as they are; else curated, else machine-translated, else English."""
    if not buttons:
        return buttons
    return [
        button
        if _kept_title(button)
        else {
            **button,
            "title": _curated_title(button, curated)
            or found.get(button["title"])
            or button["title"],
        }
        for button in buttons
    ]


def _with_notice(
    text: str | None,
    translation: str,
    curated: CuratedTranslations | None,
    key: str | None,
    found: Found,
    noticed: Collection[str],
) -> tuple[str | None, str | None]:
    """Add the notice that says the text was machine-translated, or is in English.

    The notice is curated where the language has it; otherwise it is itself machine-translated
    (or, failing that, in English). Returns the text and the notice's key (None: none added).
    """
    if text is None or key in SAFETY_RESPONSES or translation in ("none", "curated"):
        return text, None
    notice_key = MACHINE_NOTICE if translation == "machine" else ENGLISH_NOTICE
    if notice_key in noticed:
        return text, None
    curated_notice = curated.responses.get(notice_key) if curated else None
    if curated_notice is not None:
        notice = curated_notice.text
    else:
        notice = found.get(english_message(notice_key)) or english_message(notice_key)
    noticed_text = f"{text}\n{notice}" if translation == "machine" else f"{notice}\n{text}"
    return noticed_text, notice_key
