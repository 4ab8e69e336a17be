"""The texts that code composes (around knowledge-base answers, and at the channel edge).

They live in ``data/messages/<language>.yml`` so that they can be curated and translated like
every other resident-facing text.
"""

from functools import cache

import yaml

from assistant.paths import DATA_DIR

MESSAGES_DIR = DATA_DIR / "messages"


@cache
def _catalogue(language: str) -> dict:
    path = MESSAGES_DIR / f"{language}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section in ("messages", "interface"):
        if not isinstance(data.get(section), dict):
            raise ValueError(f"{path}: expected a '{section}' mapping of name to text")
    return data


@cache
def load_messages(language: str = "en") -> dict[str, str]:
    """Return the message catalogue for ``language``, keyed by message name."""
    return {str(key): str(text) for key, text in _catalogue(language)["messages"].items()}


def load_interface(language: str = "en") -> dict[str, str]:
    """Return the web widget's labels in ``language``, keyed by label name."""
    return {str(key): str(text) for key, text in _catalogue(language)["interface"].items()}


def welcome_examples(language: str = "en") -> list[str]:
    """The KB entries whose questions the widget's welcome message offers as buttons."""
    return [str(entry) for entry in _catalogue(language).get("welcome_examples") or []]


def message(key: str, language: str = "en", **values: str) -> str:
    """Return the message ``key`` with its ``{placeholders}`` filled in from ``values``."""
    return load_messages(language)[key].format(**values)
