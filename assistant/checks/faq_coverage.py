"""Check 2: each knowledge-base entry has its intent ``faq/<id>``, with enough phrasings, and back.

An entry without phrasings is never answered; phrasings without an entry have nothing to answer.
"""

from collections import defaultdict
from pathlib import PurePosixPath

from assistant.checks.problem import Problem
from assistant.checks.records import IntentBlock, KbRecord

MIN_EXAMPLES = 8
FAQ = "faq/"


def faq_coverage_problems(records: list[KbRecord], blocks: list[IntentBlock]) -> list[Problem]:
    """Entries without enough example phrasings, and phrasings without an entry."""
    entries = {record.id: record for record in records if record.kind == "entry"}
    by_intent: dict[str, list[IntentBlock]] = defaultdict(list)
    for block in blocks:
        by_intent[block.intent].append(block)
    problems = []
    for entry in entries.values():
        intent = f"{FAQ}{entry.id}"
        count = sum(len(block.examples) for block in by_intent[intent])
        if count == 0:
            topic = PurePosixPath(entry.path).stem
            problems.append(
                Problem(
                    entry.path,
                    entry.line,
                    f"{entry.subject} has no example phrasings, so the assistant will never "
                    f"give its answer: add '- intent: {intent}' with at least {MIN_EXAMPLES} ways "
                    f"residents might ask the question to data/nlu/faq/{topic}.yml.",
                )
            )
        elif count < MIN_EXAMPLES:
            block = min(by_intent[intent], key=lambda b: not b.path.startswith("data/nlu/faq/"))
            problems.append(
                Problem(
                    block.path,
                    block.line,
                    f"{intent} has only {count} example phrasing{'s' if count > 1 else ''}; it "
                    f"needs at least {MIN_EXAMPLES} to be recognised reliably: add "
                    f"{MIN_EXAMPLES - count} more ways residents might ask the question.",
                )
            )
    for block in blocks:
        entry_id = block.intent.removeprefix(FAQ)
        if block.intent.startswith(FAQ) and entry_id not in entries:
            problems.append(
                Problem(
                    block.path,
                    block.line,
                    f"{block.intent} has example phrasings but no knowledge-base entry "
                    f"'{entry_id}' to answer with: add that entry to a file in data/kb, or "
                    "correct the name after 'faq/'.",
                )
            )
    return problems
