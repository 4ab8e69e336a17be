"""Curated translations (``translations/<code>.yml``): reviewed-or-not human text, by key.

Curated text always wins over machine translation; safety messages are only ever curated.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from assistant.paths import TRANSLATIONS_DIR

SECTIONS = ("responses", "interface", "kb", "questions")


@dataclass(frozen=True)
class CuratedText:
    """One curated translation and whether a human reviewer has checked it."""

    text: str
    reviewed: bool


@dataclass(frozen=True)
class CuratedTranslations:
    """Every curated text of one language, by section and key.

    Attributes:
        language: The language code.
        responses: Domain responses (``utter_*``) and code messages (``data/messages``) by name.
        interface: The web widget's labels by key.
        kb: Knowledge-base answers by entry id.
        questions: Knowledge-base questions (button titles) by entry id.
    """

    language: str
    responses: dict[str, CuratedText]
    interface: dict[str, CuratedText]
    kb: dict[str, CuratedText]
    questions: dict[str, CuratedText] = field(default_factory=dict)


def load_curated(path: Path) -> CuratedTranslations:
    """Read one translations file.

    Raises:
        ValueError: If the file is malformed; the message names the file, section and key.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("language"), str):
        raise ValueError(f"{path.name}: expected 'language' and the sections {SECTIONS}")
    sections: dict[str, dict[str, CuratedText]] = {}
    for section in SECTIONS:
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{path.name}: '{section}' must map keys to texts")
        sections[section] = {}
        for key, value in raw.items():
            if not isinstance(value, dict) or not str(value.get("text") or "").strip():
                raise ValueError(f"{path.name}: {section}.{key} needs a non-empty 'text'")
            if not isinstance(value.get("reviewed"), bool):
                raise ValueError(f"{path.name}: {section}.{key} needs 'reviewed: true' or 'false'")
            sections[section][str(key)] = CuratedText(str(value["text"]).strip(), value["reviewed"])
    return CuratedTranslations(language=data["language"], **sections)


@cache
def curated(language: str) -> CuratedTranslations | None:
    """The project's curated translations for ``language``, or None if it has none."""
    path = TRANSLATIONS_DIR / f"{language}.yml"
    return load_curated(path) if path.exists() else None
