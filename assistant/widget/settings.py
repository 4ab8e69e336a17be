"""What the widget script is served with: its languages, labels, welcome examples and limits.

Built once when the server starts, from the same curated data as every other resident-facing
text, so the widget holds no text of its own and needs no second request before it can draw.
"""

from collections.abc import Callable
from typing import Any

from assistant.knowledge import KnowledgeBase
from assistant.language import Language, Registry
from assistant.messages import load_interface, welcome_examples
from assistant.payloads import faq_payload
from assistant.translation.curated import CuratedTranslations, curated
from assistant.widget.config import WidgetConfig

ENGLISH = "en"
# (source, target) → whether an installed machine-translation pack covers the pair
CanTranslate = Callable[[str, str], bool]
Curated = Callable[[str], "CuratedTranslations | None"]


def offered_languages(registry: Registry, can_translate: CanTranslate) -> list[Language]:
    """The picker's languages: every Tier-1 language, and Tier 2 where packs translate both ways."""
    return [
        language
        for language in registry
        if language.tier == 1
        or (can_translate(language.code, ENGLISH) and can_translate(ENGLISH, language.code))
    ]


def widget_settings(
    config: WidgetConfig,
    registry: Registry,
    can_translate: CanTranslate,
    kb: KnowledgeBase,
    max_message_chars: int,
    curated_for: Curated = curated,
) -> dict[str, Any]:
    """The settings object the widget script starts from (see ``src/settings.js``).

    Labels a language has no curated text for fall back, in the widget, to English.
    ``max_message_chars`` is the longest message the server reads (the edge cuts longer ones):
    the widget stops the resident there and says so.
    """
    languages = offered_languages(registry, can_translate)
    strings: dict[str, dict[str, str]] = {ENGLISH: load_interface(ENGLISH)}
    examples: dict[str, list[dict[str, str]]] = {}
    for language in languages:
        translations = curated_for(language.code) if language.code != ENGLISH else None
        if translations is not None:
            strings[language.code] = {k: v.text for k, v in translations.interface.items()}
        examples[language.code] = [
            {"title": _question(kb, entry, translations), "payload": faq_payload(entry)}
            for entry in welcome_examples()
        ]
    return {
        "languages": [
            {"code": lang.code, "name": lang.endonym, "dir": lang.direction} for lang in languages
        ],
        "strings": strings,
        "examples": examples,
        "replyTimeoutSeconds": config.reply_timeout_seconds,
        "connectTimeoutSeconds": config.connect_timeout_seconds,
        "maxMessageChars": max_message_chars,
    }


def _question(kb: KnowledgeBase, entry: str, translations: CuratedTranslations | None) -> str:
    if translations is not None and entry in translations.questions:
        return translations.questions[entry].text
    return kb.entries[entry].question
