"""What the checks compare, each with its file and line: knowledge-base records, NLU examples.

They are read from the files as they are, without the knowledge-base loader, so that every
other check still runs when an entry is broken.
"""

from dataclasses import dataclass

from assistant.checks.documents import Document, Project
from assistant.checks.problem import place

KB_DIR = "data/kb"
SOURCES_FILE = f"{KB_DIR}/sources.yml"
ORGANISATIONS_FILE = f"{KB_DIR}/organisations.yml"
NLU_DIR = "data/nlu"


@dataclass(frozen=True)
class KbRecord:
    """A knowledge-base entry or organisation, as written.

    Attributes:
        id: Its id.
        kind: ``entry`` or ``organisation``.
        path: Its file.
        line: The line of its ``- id:``.
        text: Its answer (an entry) or description (an organisation); empty if it has none.
        text_line: The line where that text starts, or None.
        source: The source document it cites; empty if it cites none.
    """

    id: str
    kind: str
    path: str
    line: int | None
    text: str
    text_line: int | None
    source: str

    @property
    def subject(self) -> str:
        """How a message names it: ``the entry 'pcn_what_is'``."""
        return f"the {self.kind} '{self.id}'"


@dataclass(frozen=True)
class Example:
    """One example phrasing of an intent.

    Attributes:
        intent: The intent, e.g. ``faq/pcn_what_is``.
        text: The phrasing.
        path: Its file.
        line: Its line.
    """

    intent: str
    text: str
    path: str
    line: int | None

    @property
    def place(self) -> str:
        """Its file and line: ``data/nlu/faq/gp_practices.yml:57``."""
        return place(self.path, self.line)


@dataclass(frozen=True)
class IntentBlock:
    """One ``- intent:`` block of an NLU file with its examples.

    Attributes:
        intent: The intent.
        path: Its file.
        line: The line of its ``- intent:``.
        examples: Its example phrasings, in file order.
    """

    intent: str
    path: str
    line: int | None
    examples: tuple[Example, ...]


def kb_records(project: Project) -> list[KbRecord]:
    """Every entry of every topic file in data/kb, then every organisation."""
    records: list[KbRecord] = []
    for doc in project.documents(KB_DIR):
        if doc.path == SOURCES_FILE:
            continue
        kind, key, text_key = (
            ("organisation", "organisations", "description")
            if doc.path == ORGANISATIONS_FILE
            else ("entry", "entries", "answer")
        )
        for index, raw in enumerate(doc.sequence(key)):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                records.append(
                    KbRecord(
                        id=raw["id"],
                        kind=kind,
                        path=doc.path,
                        line=doc.line(key, index),
                        text=str(raw.get(text_key) or ""),
                        text_line=doc.line(key, index, text_key),
                        source=str(raw.get("source") or ""),
                    )
                )
    return records


def intent_blocks(project: Project) -> list[IntentBlock]:
    """Every intent block in data/nlu and its sub-folders, in file order."""
    return [block for doc in project.documents(NLU_DIR, recursive=True) for block in _blocks(doc)]


def _blocks(doc: Document) -> list[IntentBlock]:
    """The intent blocks of one NLU file; each example's line is found by searching the text.

    Examples sit inside a literal block (``examples: |``), which YAML does not give lines for,
    so each is looked for after the one before, from its intent's line on.
    """
    blocks: list[IntentBlock] = []
    cursor = 1
    for raw in doc.sequence("nlu"):
        if not isinstance(raw, dict) or "intent" not in raw:
            continue
        intent = str(raw["intent"])
        line = doc.find(intent, cursor, read=_intent_named)
        cursor = line + 1 if line else cursor
        examples = []
        for text in _phrasings(raw.get("examples")):
            found = doc.find(text, cursor, read=_phrasing)
            cursor = found + 1 if found else cursor
            examples.append(Example(intent=intent, text=text, path=doc.path, line=found))
        blocks.append(IntentBlock(intent, doc.path, line, tuple(examples)))
    return blocks


def _phrasings(examples: object) -> list[str]:
    """The phrasings of an ``examples: |`` block, one a line, each after ``- ``."""
    return [text for line in str(examples or "").splitlines() if (text := _phrasing(line))]


def _phrasing(line: str) -> str:
    """``"    - what is a PCN"`` -> ``"what is a PCN"``; '' if the line is not a list item."""
    line = line.strip()
    return line[2:].strip() if line.startswith("- ") else ""


def _intent_named(line: str) -> str:
    """``"- intent: faq/pcn_what_is"`` -> ``"faq/pcn_what_is"``; '' if it names no intent."""
    line = line.strip().removeprefix("-").strip()
    return line.removeprefix("intent:").strip().strip("'\"") if line.startswith("intent:") else ""
