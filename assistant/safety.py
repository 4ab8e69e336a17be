"""Recognise messages that need emergency, crisis or urgent-care signposting, before anything else.

The phrase lists are curated data (``data/safety/<language>.yml``), never machine-translated.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower-case, drop apostrophes, and reduce everything but letters and digits to single spaces.

    The result is padded with a space at each end so that whole-word matching is a substring test.
    """
    text = _APOSTROPHES.sub("", text.casefold())
    return f" {_NON_WORD.sub(' ', text).replace('_', ' ').strip()} "


@dataclass(frozen=True)
class SafetyPhrases:
    """Curated phrases for one language.

    Attributes:
        override: Category name (an intent, e.g. ``emergency``) mapped to its phrases, in the
            order they are checked.
    """

    override: dict[str, tuple[str, ...]]

    def category(self, text: str) -> str | None:
        """Return the first override category with a phrase in ``text``, or None."""
        padded = normalise(text)
        for name, phrases in self.override.items():
            if any(normalise(phrase) in padded for phrase in phrases):
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
        override={str(name): tuple(map(str, phrases)) for name, phrases in override.items()}
    )
