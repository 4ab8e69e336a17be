"""Curated phrasings as evidence of a language: "Salaan" is Somali because our Somali data says so.

Short messages cannot be detected from their letters, but an exact phrasing from
``data/nlu/languages/<code>.yml`` that belongs to that language alone (not to English, not to
another language) is strong evidence.
"""

import re
from collections import defaultdict
from functools import cache

from assistant.paths import DATA_DIR
from assistant.text_matching import normalise
from assistant.training_examples import read_examples

LANGUAGE_NLU_DIR = DATA_DIR / "nlu" / "languages"
ENGLISH_NLU_DIR = DATA_DIR / "nlu"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@cache
def default_known_phrases() -> dict[str, str]:
    """Each curated phrasing (normalised) that belongs to exactly one non-English language."""
    owners: dict[str, set[str]] = defaultdict(set)
    for path in sorted(LANGUAGE_NLU_DIR.glob("*.yml")):
        for _, example in read_examples(path):
            owners[normalise(example)].add(path.stem)
    for example in _english_examples():
        owners[normalise(example)].add("en")
    return {
        phrase: langs.pop()
        for phrase, langs in owners.items()
        if len(langs) == 1 and "en" not in langs
    }


def known_language(text: str, phrases: dict[str, str] | None = None) -> str | None:
    """The language whose curated phrasing ``text`` is, or None."""
    return (phrases if phrases is not None else default_known_phrases()).get(normalise(text))


@cache
def default_english_words() -> frozenset[str]:
    """Every word of the English example phrasings, in lower case."""
    return frozenset(w for e in _english_examples() for w in _WORD.findall(e.casefold()))


@cache
def _english_examples() -> tuple[str, ...]:
    """Every English example phrasing (data/nlu outside data/nlu/languages), read once."""
    return tuple(
        example
        for path in sorted(ENGLISH_NLU_DIR.rglob("*.yml"))
        if path.parent != LANGUAGE_NLU_DIR
        for _, example in read_examples(path)
    )
