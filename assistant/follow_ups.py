"""Follow-up questions: which entry "who chairs it?" or "the first one" means after an answer.

A message is a follow-up when it points back at the last answer: a word that refers to it
("it", "they", "that"), to a person in it ("he", "she") or to one of the things it listed
("the first one"). The words are curated per language in ``data/language/follow_ups.yml``. The
knowledge base says what an answer lists (``items``), whom it names (``person``) and what its
question asks of its subject (``asks``); see ``assistant.knowledge.models.Entry``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.knowledge import Entry, KnowledgeBase
from assistant.language import DEFAULT_LANGUAGE
from assistant.paths import DATA_DIR

CUES_FILE = DATA_DIR / "language" / "follow_ups.yml"
# Languages written without spaces between words: a cue is found anywhere in the text.
UNSPACED = frozenset({"zh"})
_WORD = re.compile(r"\w+")
# Shorter words after "and for" ("the", "in", "3rd") say nothing about what is asked.
MIN_CONTENT_LETTERS = 4


@dataclass(frozen=True)
class Cue:
    """How a message points back at the last answer (nothing: not a follow-up)."""

    refers: bool = False
    person: bool = False
    ordinal: int | None = None  # 0 for "the first one"
    # "and for women?": the words after an opening that carries the last question on.
    about: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        """Whether the message points back at all."""
        return self.refers or self.person or self.ordinal is not None or bool(self.about)


@dataclass(frozen=True)
class _Words:
    refer: tuple[str, ...]
    person: tuple[str, ...]
    ordinals: tuple[tuple[str, ...], ...]
    also: tuple[str, ...] = ()


class FollowUpCues:
    """The curated follow-up words of each language."""

    def __init__(self, words: dict[str, _Words]) -> None:
        self._words = words

    def of(self, text: str, language: str) -> Cue:
        """The cue in ``text``, read with its language's words and English ones.

        English is read too because a message translated in arrives in English.
        """
        found = Cue()
        for code in dict.fromkeys((language, DEFAULT_LANGUAGE)):
            words = self._words.get(code)
            if words is None:
                continue
            has = _finder(text, code in UNSPACED)
            ordinal = next(
                (n for n, forms in enumerate(words.ordinals) if any(map(has, forms))), None
            )
            found = Cue(
                refers=found.refers or any(map(has, words.refer)),
                person=found.person or any(map(has, words.person)),
                ordinal=found.ordinal if found.ordinal is not None else ordinal,
                about=found.about or _after_opening(text, words.also),
            )
        return found


def _finder(text: str, unspaced: bool) -> Callable[[str], bool]:
    """A test of whether a word or phrase occurs in ``text`` (whole words where text has spaces)."""
    if unspaced:
        return lambda cue: cue.casefold() in text.casefold()
    padded = f" {' '.join(_WORD.findall(text.casefold()))} "
    return lambda cue: f" {' '.join(_WORD.findall(cue.casefold()))} " in padded


def _after_opening(text: str, openings: tuple[str, ...]) -> tuple[str, ...]:
    """The content words (4 letters or more) after the longest opening ``text`` starts with."""
    words = _WORD.findall(text.casefold())
    for opening in sorted(openings, key=len, reverse=True):
        start = _WORD.findall(opening.casefold())
        if words[: len(start)] == start:
            return tuple(w for w in words[len(start) :] if len(w) >= MIN_CONTENT_LETTERS)
    return ()


def load_cues(path: Path = CUES_FILE) -> FollowUpCues:
    """Read the follow-up words; a malformed file fails naming the language and list."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words: dict[str, _Words] = {}
    for code, lists in data.items():
        for key in ("refer", "person", "ordinals"):
            if not isinstance(lists.get(key), list):
                raise ValueError(f"{path}: {code}: '{key}' must be a list")
        words[str(code)] = _Words(
            refer=tuple(map(str, lists["refer"])),
            person=tuple(map(str, lists["person"])),
            ordinals=tuple(tuple(map(str, forms)) for forms in lists["ordinals"]),
            also=tuple(map(str, lists.get("also") or ())),
        )
    return FollowUpCues(words)


@lru_cache(maxsize=1)
def default_cues() -> FollowUpCues:
    """The project's follow-up words, read once."""
    return load_cues()


@dataclass(frozen=True)
class Reading:
    """What a message means after the last answer.

    Attributes:
        entry: The entry it asks for; None when it points back at nothing the answer has.
        decides: Whether this reading replaces the classifier's choice.
    """

    entry: str | None = None
    decides: bool = False


def resolve(
    cue: Cue,
    last: Entry | None,
    predicted: str | None,
    ranked: Sequence[str],
    kb: KnowledgeBase,
) -> Reading:
    """Read a message that points back (``cue``) against the last answer.

    Args:
        cue: How the message points back.
        last: The entry answered last in the conversation.
        predicted: The entry the classifier chose, or None when it was unsure.
        ranked: The classifier's entries, most likely first.
        kb: The knowledge base.
    """
    if last is None or not cue.any:
        return Reading()
    if cue.ordinal is not None and last.items:
        # "the fifth one" after four items is not guessed.
        return Reading(last.items[cue.ordinal] if cue.ordinal < len(last.items) else None, True)
    if cue.person and last.person and (predicted is None or predicted == last.id):
        return Reading(last.person, True)
    if cue.about and predicted is None and all(w in last.answer.casefold() for w in cue.about):
        # "and for women?" after an answer that gives the figure for women too.
        return Reading(last.id, True)
    in_topic = _topic_entries(kb, last.topic)
    asked = kb.entries.get(predicted or (ranked[0] if ranked else ""))
    if asked is not None and asked.asks and asked.topic != last.topic:
        # The same question, asked of the last answer's subject ("who chairs it?").
        twin = next((i for i in in_topic if kb.entries[i].asks == asked.asks), None)
        if twin is not None:
            return Reading(twin, True)
    if predicted is None:
        near = {last.id, *last.related, *last.items, *in_topic}
        found = next((entry for entry in ranked if entry in near), None)
        return Reading(found, found is not None)
    return Reading()


def _topic_entries(kb: KnowledgeBase, topic_id: str) -> tuple[str, ...]:
    topic = kb.topic(topic_id)
    return topic.entry_ids if topic else ()
