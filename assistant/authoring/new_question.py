"""A new question for the knowledge base: check it, then add it to the project's data files.

A question is a KB entry in ``data/kb/<topic>.yml`` plus its retrieval intent ``faq/<id>`` in
``data/nlu/faq/<topic>.yml``. Both are appended as text, so the existing files (comments and
formatting included) are kept exactly, and the result is read back before anything is written.
"""

import os
import re
import textwrap
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from assistant.checks.examples import normalised
from assistant.checks.faq_coverage import MIN_EXAMPLES
from assistant.knowledge.loader import ID_PATTERN, ORGANISATIONS_FILE, SOURCES_FILE
from assistant.paths import PROJECT_ROOT
from assistant.training_examples import read_examples

FIELDS = ("topic", "question", "answer", "source", "examples", "related", "id")
MAX_ANSWER = 1000
MAX_ID = 50
ANSWER_WIDTH = 90
NLU_HEADER = 'version: "3.1"\nnlu:\n'
# Characters YAML can store as they are (whitespace is tidied to single spaces first).
UNSTORABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# "[text](entity)", "[text]{...}" and "[text][...]" are Rasa's entity markup in examples.
ENTITY_MARKUP = re.compile(r"\[[^\]]+\][({\[]")
QUESTION_WORDS = {"who", "what", "when", "where", "why", "which", "how"}
FOLLOWERS = {"how": {"many", "much", "long", "often"}, "what": {"is", "are"}}
STOPWORDS = set(
    "a an the is are was were be been do does did of to in on at by for from with about and or "
    "i me my we our you your it its this that there can could will would should".split()
)


class WriteError(Exception):
    """A file would not read back as intended, so nothing was written."""


@dataclass
class NewQuestion:
    """A question to add: its KB entry and the phrasings residents might type.

    Attributes:
        topic: The topic file it goes in (``data/kb/<topic>.yml``).
        id: Snake-case id that reads as the question; the intent is ``faq/<id>``.
        question: The canonical question, ending with "?".
        answer: The answer in plain English, one paragraph.
        source: The source document's file name, as listed in ``data/kb/sources.yml``.
        examples: At least 8 phrasings a resident might type.
        related: Ids of existing entries a resident may want next.
    """

    topic: str = ""
    id: str = ""
    question: str = ""
    answer: str = ""
    source: str = ""
    examples: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Project:
    """What a new question is checked against, read from a project's ``data`` folder.

    Attributes:
        topics: Topic id to title, in file-name order.
        sources: Source file name to title.
        entries: Every KB entry id to its topic.
        phrasings: Every NLU example (normalised) to its intent and the intent's file.
    """

    topics: dict[str, str]
    sources: dict[str, str]
    entries: dict[str, str]
    phrasings: dict[str, tuple[str, str]]

    @classmethod
    def read(cls, root: Path = PROJECT_ROOT) -> "Project":
        """Read the topics, sources, entry ids and example phrasings under ``root``."""
        kb_dir = root / "data" / "kb"
        topics: dict[str, str] = {}
        entries: dict[str, str] = {}
        for path in sorted(kb_dir.glob("*.yml")):
            if path.name in (SOURCES_FILE, ORGANISATIONS_FILE):
                continue
            data = _load(path)
            topics[path.stem] = str(data["topic"]["title"])
            for entry in data.get("entries") or []:
                entries[str(entry["id"])] = path.stem
        phrasings: dict[str, tuple[str, str]] = {}
        for path in sorted((root / "data" / "nlu").rglob("*.yml")):
            for intent, example in read_examples(path):
                phrasings.setdefault(normalised(example), (intent, _rel(path, root)))
        sources = {
            str(k): str(v["title"] if isinstance(v, dict) else v)
            for k, v in _load(kb_dir / SOURCES_FILE)["sources"].items()
        }
        return cls(topics, sources, entries, phrasings)

    @property
    def taken_ids(self) -> set[str]:
        """Ids a new question cannot have: every entry's and every ``faq/`` intent's."""
        intents = {intent for intent, _ in self.phrasings.values()}
        return set(self.entries) | {i[4:] for i in intents if i.startswith("faq/")}

    def problems(self, new: NewQuestion, fields: Collection[str] = FIELDS) -> list[str]:
        """What is wrong with these fields of ``new`` (by default all), in plain words."""
        new = _tidy(new)
        checks = {
            "topic": self._topic_problems,
            "question": _question_problems,
            "answer": _answer_problems,
            "source": self._source_problems,
            "examples": self._examples_problems,
            "related": self._related_problems,
            "id": self._id_problems,
        }
        return [problem for name in fields for problem in checks[name](new)]

    def phrasing_problems(self, example: str, others: Collection[str] = ()) -> list[str]:
        """What is wrong with one example phrasing, given the new question's ``others``."""
        example = _tidy_text(example)
        key = normalised(example)
        if not key:
            return ["An example phrasing is empty."]
        found = [f"Example '{example}' {_unstorable(example)}"] if _unstorable(example) else []
        if key in {normalised(other) for other in others}:
            found.append(f"Example '{example}' is given twice.")
        if key in self.phrasings:
            intent, path = self.phrasings[key]
            found.append(f"Example '{example}' is already an example of {intent} in {path}.")
        if ENTITY_MARKUP.search(example):
            found.append(
                f"Example '{example}' has [square brackets] followed by a bracket, which Rasa "
                "reads as entity markup; reword it."
            )
        return found

    def _topic_problems(self, new: NewQuestion) -> list[str]:
        if new.topic in self.topics:
            return []
        return [f"There is no topic '{new.topic}'; choose one of: {', '.join(self.topics)}."]

    def _source_problems(self, new: NewQuestion) -> list[str]:
        if new.source in self.sources:
            return []
        return [
            f"Source '{new.source}' is not listed in data/kb/{SOURCES_FILE}; "
            f"choose one of: {', '.join(self.sources)}."
        ]

    def _examples_problems(self, new: NewQuestion) -> list[str]:
        found = [
            problem
            for index, example in enumerate(new.examples)
            for problem in self.phrasing_problems(example, new.examples[:index])
        ]
        if len(new.examples) < MIN_EXAMPLES:
            found.append(
                f"Give at least {MIN_EXAMPLES} example phrasings; there are {len(new.examples)}."
            )
        return found

    def _related_problems(self, new: NewQuestion) -> list[str]:
        missing = [r for r in new.related if r not in self.entries]
        found = [f"Related entry '{r}' does not exist." for r in missing]
        twice = sorted({r for r in new.related if new.related.count(r) > 1})
        return found + [f"Related entry '{r}' is listed twice." for r in twice]

    def _id_problems(self, new: NewQuestion) -> list[str]:
        if not ID_PATTERN.match(new.id):
            return [
                f"The id '{new.id}' must be snake_case: lower-case letters, digits and _, "
                f"starting with a letter (for example '{suggest_id(new.question or new.id)}')."
            ]
        if new.id in self.entries:
            where = f"data/kb/{self.entries[new.id]}.yml"
            return [f"The id '{new.id}' is already used by an entry in {where}."]
        if new.id in self.taken_ids:
            return [f"The id '{new.id}' is already used by the intent faq/{new.id}."]
        return []


def problems(new: NewQuestion, root: Path = PROJECT_ROOT) -> list[str]:
    """Everything wrong with ``new`` for the project at ``root``, in plain words; [] if none."""
    return Project.read(root).problems(new)


def suggest_id(question: str, taken: Collection[str] = ()) -> str:
    """A snake-case id that reads as the question, numbered if it is in ``taken``.

    "How many GP practices are there?" gives ``gp_practices_how_many``.
    """
    text = re.sub(r"['’]s\b|['’]", "", question.casefold())
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    asks: list[str] = []
    if words and words[0] in QUESTION_WORDS:
        asks.append(words.pop(0))
        if words and words[0] in FOLLOWERS.get(asks[0], ()):
            asks.append(words.pop(0))
    subject = [w for w in words if w not in STOPWORDS] or words
    while subject and len("_".join(subject + asks)) > MAX_ID:
        subject.pop()
    base = "_".join(subject + asks) or "question"
    if not base[0].isalpha():
        base = f"q_{base}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def write(new: NewQuestion, root: Path = PROJECT_ROOT) -> list[Path]:
    """Append the entry to ``data/kb/<topic>.yml`` and its intent to ``data/nlu/faq/<topic>.yml``.

    Check ``new`` with :func:`problems` first. Both files are written, or neither.

    Returns:
        The two files written.

    Raises:
        WriteError: If either file would not read back with exactly the new question added.
        OSError: If a file cannot be read or written; the files are as they were.
    """
    new = _tidy(new)
    kb_path = root / "data" / "kb" / f"{new.topic}.yml"
    nlu_path = root / "data" / "nlu" / "faq" / f"{new.topic}.yml"
    kb_old = kb_path.read_text(encoding="utf-8")
    nlu_old = nlu_path.read_text(encoding="utf-8") if nlu_path.exists() else None
    entry = {
        "id": new.id,
        "question": new.question,
        "answer": new.answer,
        "source": new.source,
        "related": new.related,
    }
    intent = {"intent": f"faq/{new.id}", "examples": "".join(f"- {e}\n" for e in new.examples)}
    kb_new = _appended(kb_old, kb_path, "entries", entry, _entry_text(new))
    nlu_new = _appended(nlu_old or NLU_HEADER, nlu_path, "nlu", intent, _intent_text(new))
    _replace(kb_path, kb_new)
    try:
        _replace(nlu_path, nlu_new)
    except BaseException:
        _replace(kb_path, kb_old)
        raise
    return [kb_path, nlu_path]


def _entry_text(new: NewQuestion) -> str:
    width = ANSWER_WIDTH - 6
    answer = textwrap.wrap(new.answer, width, break_long_words=False, break_on_hyphens=False)
    related = ", ".join(_scalar(r) for r in new.related)
    return (
        f"\n  - id: {_scalar(new.id)}\n"
        f"    question: {_scalar(new.question)}\n"
        "    answer: >-\n"
        + "".join(f"      {line}\n" for line in answer)
        + f"    source: {_scalar(new.source)}\n"
        f"    related: [{related}]\n"
    )


def _intent_text(new: NewQuestion) -> str:
    examples = "".join(f"    - {example}\n" for example in new.examples)
    return f"- intent: {_scalar('faq/' + new.id)}\n  examples: |\n{examples}"


def _appended(old: str, path: Path, key: str, item: dict, text: str) -> str:
    """``old`` with ``text`` added at the end, checked to parse as ``old`` plus ``item``."""
    new = (old if old.endswith("\n") else old + "\n") + text
    expected = yaml.safe_load(old)
    expected[key] = [*(expected.get(key) or []), item]
    try:
        same = yaml.safe_load(new) == expected
    except yaml.YAMLError:
        same = False
    if not same:
        raise WriteError(f"{path.name}: the new question would not read back as written")
    return new


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then move it into place."""
    temporary = path.with_name(f".{path.name}.new")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _scalar(text: str) -> str:
    """``text`` as a one-line YAML value, quoted and escaped only where YAML needs it."""
    dumped = yaml.safe_dump({"v": text}, allow_unicode=True, width=float("inf"))
    return dumped.removeprefix("v: ").removesuffix("\n")


def _tidy(new: NewQuestion) -> NewQuestion:
    examples = [_tidy_text(e) for e in new.examples]
    return replace(
        new,
        topic=_tidy_text(new.topic),
        id=_tidy_text(new.id),
        question=_tidy_text(new.question),
        answer=_tidy_text(new.answer),
        source=_tidy_text(new.source),
        examples=[e for e in examples if e],
        related=[r for r in (_tidy_text(r) for r in new.related) if r],
    )


def _tidy_text(text: str) -> str:
    return " ".join(text.split())


def _question_problems(new: NewQuestion) -> list[str]:
    if not new.question:
        return ["The question is empty."]
    found = [f"The question {_unstorable(new.question)}"] if _unstorable(new.question) else []
    if not new.question.endswith("?"):
        found.append(f"The question '{new.question}' must end with '?'.")
    return found


def _answer_problems(new: NewQuestion) -> list[str]:
    if not new.answer:
        return ["The answer is empty."]
    found = [f"The answer {_unstorable(new.answer)}"] if _unstorable(new.answer) else []
    if len(new.answer) > MAX_ANSWER:
        found.append(
            f"The answer is {len(new.answer)} characters long; keep it to {MAX_ANSWER} "
            "(normally under 70 words)."
        )
    return found


def _unstorable(text: str) -> str:
    """Why ``text`` cannot be stored ("" if it can): it names the first hidden character."""
    match = UNSTORABLE.search(text)
    if match is None:
        return ""
    return f"contains a hidden character (U+{ord(match.group()):04X}); retype it."


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
