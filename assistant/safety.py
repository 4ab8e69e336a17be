"""Recognise messages that need emergency, crisis or urgent-care signposting, before anything else.

The phrase lists are curated data, never machine-translated: English in ``data/safety/en.yml``,
every other language in ``translations/safety/<code>.yml``.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.paths import SAFETY_DIR, TRANSLATIONS_DIR
from assistant.text_matching import normalise

# Scripts written without spaces between words: a phrase in them matches anywhere in a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
TRANSLATED_SAFETY_DIR = TRANSLATIONS_DIR / "safety"


@dataclass(frozen=True)
class SafetyPhrases:
    """Curated phrases for one language.

    Attributes:
        override: Category name (an intent, e.g. ``emergency``) mapped to its phrases, in the
            order they are checked. Phrases are kept normalised (``text_matching.normalise``),
            once, when they are loaded: a message is checked against thousands of them.
    """

    override: dict[str, tuple[str, ...]]

    def category(self, text: str) -> str | None:
        """Return the first override category with a phrase in ``text``, or None."""
        padded = normalise(text)
        for name, phrases in self.override.items():
            if any(_contains(padded, phrase) for phrase in phrases):
                return name
        return None


def load_safety_phrases(path: Path) -> SafetyPhrases:
    """Read a curated phrase file.

    Raises:
        ValueError: If the file does not have an ``override`` mapping of non-empty phrase lists.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    override = data.get("override")
    if not isinstance(override, dict) or not all(
        isinstance(phrases, list) and phrases for phrases in override.values()
    ):
        raise ValueError(f"{path}: expected 'override' mapping each category to a list of phrases")
    return SafetyPhrases(
        override={
            str(name): tuple(normalise(str(phrase)) for phrase in phrases)
            for name, phrases in override.items()
        }
    )


def merge(phrase_sets: list[SafetyPhrases]) -> SafetyPhrases:
    """One phrase set with every language's phrases, categories in the first set's order."""
    order = list(dict.fromkeys(name for phrases in phrase_sets for name in phrases.override))
    return SafetyPhrases(
        override={
            name: tuple(p for phrases in phrase_sets for p in phrases.override.get(name, ()))
            for name in order
        }
    )


@lru_cache(maxsize=1)
def all_safety_phrases() -> SafetyPhrases:
    """English and every curated language's phrases, loaded once."""
    paths = [SAFETY_DIR / "en.yml", *sorted(TRANSLATED_SAFETY_DIR.glob("*.yml"))]
    return merge([load_safety_phrases(path) for path in paths])


def _contains(padded_text: str, phrase: str) -> bool:
    """Whole-word match of a normalised phrase; in scripts without spaces (Chinese), a substring."""
    if _UNSPACED.search(phrase):
        return phrase.strip() in padded_text
    return phrase in padded_text
