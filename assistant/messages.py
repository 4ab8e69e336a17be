"""The texts that code composes (around knowledge-base answers, and at the channel edge).

They live in ``data/messages/<language>.yml`` so that they can be curated and translated like
every other resident-facing text.
"""

from functools import cache

import yaml

from assistant.paths import DATA_DIR

MESSAGES_DIR = DATA_DIR / "messages"


@cache
def load_messages(language: str = "en") -> dict[str, str]:
    """Return the message catalogue for ``language``, keyed by message name."""
    path = MESSAGES_DIR / f"{language}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise ValueError(f"{path}: expected a 'messages' mapping of name to text")
    return {str(key): str(text) for key, text in messages.items()}


def message(key: str, language: str = "en", **values: str) -> str:
    """Return the message ``key`` with its ``{placeholders}`` filled in from ``values``."""
    return load_messages(language)[key].format(**values)
