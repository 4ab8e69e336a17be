"""Which messages the assistant could not answer, masked and grouped by similarity.

A message went unanswered when the NLU fell back (``nlu_fallback``), judged it out of scope,
was less sure of its intent than a threshold, or when a fallback response or action replied.
Button presses (payloads starting with "/") never count. What the resident typed (before any
machine translation) is masked (:mod:`assistant.reports.personal_data`) before it is grouped.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from assistant.paths import DATA_DIR
from assistant.reports.personal_data import PLACEHOLDERS, mask
from assistant.reports.tracker_events import UserTurn
from assistant.training_examples import read_examples

FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
FALLBACK_ACTIONS = frozenset({"utter_not_sure", "utter_out_of_scope", "action_default_fallback"})
CONFIDENCE_THRESHOLD = 0.5
SIMILARITY_THRESHOLD = 0.5
EXAMPLES = 3
ENGLISH = "en"

_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS), re.IGNORECASE)
_CLAUSE = re.compile(r"[^,.;:!?،؛؟。，！？]+")  # Latin, Arabic-script and CJK punctuation
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Question:
    """A message that went unanswered: its masked text and its language."""

    text: str
    language: str


@dataclass(frozen=True)
class Group:
    """Similar unanswered questions.

    Attributes:
        count: How many messages the group holds.
        languages: Each language's code and its number of messages, most frequent first.
        examples: Up to three different masked texts, most frequent first.
    """

    count: int
    languages: tuple[tuple[str, int], ...]
    examples: tuple[str, ...]


def is_typed(turn: UserTurn) -> bool:
    """Whether the resident typed the message (it has text and is no button press)."""
    text = turn.text.strip()
    return bool(text) and not text.startswith("/")


def is_unanswered(turn: UserTurn, confidence_threshold: float = CONFIDENCE_THRESHOLD) -> bool:
    """Whether a typed message fell back, was out of scope or unsure, or got a fallback reply."""
    if not is_typed(turn):
        return False
    return (
        turn.intent in FALLBACK_INTENTS
        or (turn.confidence is not None and turn.confidence < confidence_threshold)
        or any(action in FALLBACK_ACTIONS for action in turn.actions)
    )


def unanswered_questions(
    turns: Iterable[UserTurn], confidence_threshold: float = CONFIDENCE_THRESHOLD
) -> list[Question]:
    """The unanswered messages as the resident typed them, masked, with their languages."""
    questions = []
    for turn in turns:
        if is_unanswered(turn, confidence_threshold):
            original = turn.metadata.get("original_text")
            typed = original if isinstance(original, str) and original.strip() else turn.text
            language = turn.metadata.get("language")
            questions.append(
                Question(
                    mask(" ".join(typed.split())),
                    language if isinstance(language, str) else ENGLISH,
                )
            )
    return questions


def known_questions(nlu_dir: Path = DATA_DIR / "nlu") -> list[str]:
    """The example questions the assistant is trained on, in every language."""
    return [text for path in sorted(nlu_dir.rglob("*.yml")) for _, text in read_examples(path)]


def group_questions(
    questions: list[Question],
    known: Sequence[str] = (),
    threshold: float = SIMILARITY_THRESHOLD,
) -> list[Group]:
    """Group similar questions, the largest group first.

    Texts are compared by the cosine similarity of the character n-gram TF-IDF vectors of what
    they ask (:func:`_topic`). Word weights are learnt from the questions and the ``known`` ones
    (:func:`known_questions`): from a few questions alone, the most asked subject would weigh
    least. The most frequent texts are taken first; each joins the first group whose first text
    is at least ``threshold`` similar, or starts a new one. Ties are broken by the text, so the
    same questions always give the same groups.
    """
    if not questions:
        return []
    counts = Counter(_key(q.text) for q in questions)
    keys = sorted(counts, key=lambda key: (-counts[key], key))
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    topics = [_topic(key) for key in keys]
    matrix = vectors.fit([*topics, *(_topic(_key(text)) for text in known)]).transform(topics)
    similarity = (matrix @ matrix.T).toarray()  # rows are unit length: cosine similarity
    leaders: list[int] = []
    group_of: dict[str, int] = {}
    for i, key in enumerate(keys):
        group = next((g for g, j in enumerate(leaders) if similarity[i, j] >= threshold), None)
        if group is None:
            group = len(leaders)
            leaders.append(i)
        group_of[key] = group
    members: list[list[Question]] = [[] for _ in leaders]
    for question in questions:
        members[group_of[_key(question.text)]].append(question)
    groups = [_group(group) for group in members]
    return sorted(groups, key=lambda group: -group.count)  # stable: ties keep the leaders' order


def _group(questions: list[Question]) -> Group:
    """A group from its questions: their count, languages and most frequent texts."""
    languages = Counter(q.language for q in questions)
    texts = Counter(_key(q.text) for q in questions)
    shown: dict[str, str] = {}
    for question in questions:
        shown.setdefault(_key(question.text), question.text)
    return Group(
        count=len(questions),
        languages=_most_frequent(languages),
        examples=tuple(shown[key] for key, _ in _most_frequent(texts)[:EXAMPLES]),
    )


def _most_frequent(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Each item and its count, the most frequent first, ties in alphabetical order."""
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _key(text: str) -> str:
    """The text compared: lower case, single spaces."""
    return " ".join(text.casefold().split())


def _topic(key: str) -> str:
    """What a question asks: its words without the clauses that only give personal details.

    "can you fix my boiler? my name is [name]" → "fix boiler". Common English words go too, so
    "can you ..." does not make every question alike.
    """
    clauses = [c for c in _CLAUSE.findall(key) if not _PLACEHOLDER.search(c)]
    text = _PLACEHOLDER.sub(" ", " ".join(clauses) or key)
    words = [w for w in _WORD.findall(text) if len(w) > 1 and w not in ENGLISH_STOP_WORDS]
    return " ".join(words) or key
