"""Check 3: every cited document is in the sources folder, with every number its answers state.

The numbers are a guard against invented facts: each must appear in the document cited.

Whether a cited source is listed in data/kb/sources.yml is the knowledge-base loader's check.
"""

import os
import re
from pathlib import Path

from assistant.checks.documents import Project
from assistant.checks.problem import Problem
from assistant.checks.records import SOURCES_FILE, KbRecord

# Signposting numbers (999, NHS 111, Samaritans 116 123) are in answers on purpose.
SIGNPOSTING = frozenset({"999", "111", "116", "123"})
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def default_sources_dir(root: Path) -> Path:
    """``$BSOL_SOURCES_DIR``, else the ``shared/sources`` folder beside the project."""
    configured = os.environ.get("BSOL_SOURCES_DIR")
    return Path(configured) if configured else root.parent / "shared" / "sources"


def source_problems(project: Project, records: list[KbRecord], sources_dir: Path) -> list[Problem]:
    """Listed documents missing from ``sources_dir``; numbers not in their source document."""
    doc = project.document(SOURCES_FILE)
    listed = doc.mapping("sources") if doc else {}
    if not sources_dir.is_dir():
        return [
            Problem(
                SOURCES_FILE,
                None,
                f"the folder of source documents, {sources_dir}, was not found, so no answer "
                "can be checked against its source: set BSOL_SOURCES_DIR to the folder that "
                "holds them.",
            )
        ]
    problems = [
        Problem(
            SOURCES_FILE,
            doc.line("sources", name) if doc else None,
            f"the source document '{name}' is not in the sources folder ({sources_dir}): copy "
            "it there, or correct its file name.",
        )
        for name in listed
        if not (sources_dir / str(name)).is_file()
    ]
    documents: dict[str, str] = {}
    for record in records:
        path = sources_dir / record.source
        if record.source not in listed or not path.is_file():
            continue  # reported above, or by the loader
        if record.source not in documents:
            documents[record.source] = path.read_text(encoding="utf-8")
        numbers = sorted(set(NUMBER.findall(record.text)) - SIGNPOSTING, key=record.text.index)
        problems.extend(
            _number_problem(project, record, number)
            for number in numbers
            if number not in documents[record.source]
        )
    return problems


def _number_problem(project: Project, record: KbRecord, number: str) -> Problem:
    doc = project.document(record.path)
    start = record.text_line or 1
    lines = enumerate(doc.lines[start - 1 :], start) if doc else ()
    line = next((n for n, text in lines if number in NUMBER.findall(text)), None)
    what = "answer" if record.kind == "entry" else "description"
    return Problem(
        record.path,
        line or record.text_line,
        f"the {what} of '{record.id}' says {number}, but {number} is not "
        f"in its source document, {record.source}: check the figure against the document, or "
        "cite the document it comes from.",
    )
