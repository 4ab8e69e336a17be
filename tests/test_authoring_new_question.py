"""A new question: checked before writing, appended as text, read back exactly, all or nothing."""

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.authoring import new_question
from assistant.authoring.new_question import (
    NewQuestion,
    WriteError,
    problems,
    suggest_id,
    write,
)
from assistant.knowledge import load_knowledge_base
from assistant.knowledge.loader import ID_PATTERN
from assistant.paths import PROJECT_ROOT
from assistant.training_examples import read_examples

GOOD = NewQuestion(
    topic="leadership",
    id="icb_finance_director_who",
    question="Who is the finance director of the ICB?",
    answer="The source names the finance director of the Integrated Care Board (ICB). " * 4,
    source="002_1c57cabbec3451ab.txt",
    examples=[
        "Who is the finance director of the ICB?",
        "icb finance director",
        "who looks after the money at the icb",
        "finance boss integrated care board",
        "who is the icb director of finance",
        "who runs the icb budget",
        "finanse director icb",
        "who is in charge of icb money",
    ],
    related=["icb_chief_executive_who", "ics_chair_who"],
)


def copy_project(destination: Path) -> Path:
    """A copy of the project's data, domain, config and translations to write into."""
    for name in ("data", "translations"):
        shutil.copytree(PROJECT_ROOT / name, destination / name)
    for name in ("domain.yml", "config.yml"):
        shutil.copy(PROJECT_ROOT / name, destination / name)
    return destination


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def files(root: Path, topic: str = "leadership") -> tuple[Path, Path]:
    return root / "data" / "kb" / f"{topic}.yml", root / "data" / "nlu" / "faq" / f"{topic}.yml"


def snapshot(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((root / "data").rglob("*"))
        if path.is_file()
    }


def faq_examples(path: Path, entry_id: str) -> list[str]:
    return [example for intent, example in read_examples(path) if intent == f"faq/{entry_id}"]


def test_a_valid_question_has_no_problems_even_with_itself_as_an_example(root):
    assert GOOD.question in GOOD.examples
    assert problems(GOOD, root) == []


def test_a_new_question_is_appended_to_both_files_and_reads_back(root):
    kb_file, nlu_file = files(root)
    kb_before, nlu_before = kb_file.read_text(), nlu_file.read_text()

    assert write(GOOD, root) == [kb_file, nlu_file]

    kb_after, nlu_after = kb_file.read_text(), nlu_file.read_text()
    assert kb_after.startswith(kb_before) and nlu_after.startswith(nlu_before)
    assert kb_after[len(kb_before) :].startswith("\n  - id: icb_finance_director_who\n")
    assert nlu_after[len(nlu_before) :].startswith(
        "- intent: faq/icb_finance_director_who\n  examples: |\n    - Who is the finance"
    )
    assert max(len(line) for line in kb_after[len(kb_before) :].splitlines()) <= 90
    entry = load_knowledge_base(root / "data" / "kb").entries[GOOD.id]
    assert (entry.topic, entry.question, entry.source) == ("leadership", GOOD.question, GOOD.source)
    assert entry.answer == GOOD.answer.strip()
    assert entry.related == tuple(GOOD.related)
    assert faq_examples(nlu_file, GOOD.id) == GOOD.examples
    assert [e for e in snapshot(root) if e.endswith(".new")] == []


TRICKY_QUESTIONS = [
    "What does 999: call now mean?",
    "- Is #1 priority Solihull’s?",
    "'Quoted' or \"double quoted\"?",
    "999?",
    "@who & *what | > [this] {that} % `tick`?",
    "yes?",
]


@pytest.mark.parametrize("question", TRICKY_QUESTIONS)
def test_tricky_text_survives_the_round_trip_exactly(root, question):
    tricky = replace(
        GOOD,
        question=question,
        answer="- Call 999: now. # not a comment 'single' \"double\" Solihull’s café > | 111 "
        "key: value [list] {map} &anchor *alias !tag %percent @at `tick` " * 3,
        examples=[
            question,
            "- leading dash",
            "# hash first",
            "'single quoted'",
            '"double quoted"',
            "999 or 111",
            "key: value",
            "Solihull’s plan | > & *",
            "[square brackets] alone",
        ],
    )
    assert problems(tricky, root) == []

    write(tricky, root)

    entry = load_knowledge_base(root / "data" / "kb").entries[tricky.id]
    assert entry.question == question
    assert entry.answer == tricky.answer.strip()
    assert faq_examples(files(root)[1], tricky.id) == tricky.examples


def test_whitespace_is_tidied_before_checking_and_writing(root):
    untidy = replace(GOOD, question="  Who is the   finance director?\n", answer="Two\nlines.")
    write(untidy, root)
    entry = load_knowledge_base(root / "data" / "kb").entries[GOOD.id]
    assert (entry.question, entry.answer) == ("Who is the finance director?", "Two lines.")


def add_orphan_intent(root: Path) -> None:
    with files(root)[1].open("a", encoding="utf-8") as nlu:
        nlu.write("- intent: faq/orphan_intent\n  examples: |\n    - an orphan phrasing\n")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"topic": "nope"}, "There is no topic 'nope'; choose one of: bcwb,"),
        ({"id": "Finance Director"}, "The id 'Finance Director' must be snake_case"),
        ({"id": "9_lives"}, "must be snake_case"),
        ({"id": "ics_chair_who"}, "'ics_chair_who' is already used by an entry in data/kb/lead"),
        ({"id": "orphan_intent"}, "is already used by the intent faq/orphan_intent"),
        ({"question": "  "}, "The question is empty."),
        ({"question": "Who is the finance director"}, "must end with '?'"),
        ({"answer": ""}, "The answer is empty."),
        ({"answer": "word " * 250}, "The answer is 1249 characters long; keep it to 1000"),
        ({"answer": "Bell\x07 character"}, "The answer contains a hidden character (U+0007)"),
        ({"source": "nope.txt"}, "Source 'nope.txt' is not listed in data/kb/sources.yml"),
        ({"related": ["nope"]}, "Related entry 'nope' does not exist."),
        ({"related": ["ics_chair_who"] * 2}, "Related entry 'ics_chair_who' is listed twice."),
        ({"examples": GOOD.examples[:7]}, "Give at least 8 example phrasings; there are 7."),
        ({"examples": [*GOOD.examples, "ICB  finance director?"]}, "is given twice"),
        (
            {"examples": [*GOOD.examples, "Who chairs the ICS"]},
            "'Who chairs the ICS' is already an example of faq/ics_chair_who in "
            "data/nlu/faq/leadership.yml",
        ),
        ({"examples": [*GOOD.examples, "An  orphan phrasing?"]}, "an example of faq/orphan"),
        ({"examples": [*GOOD.examples, "who is [ICB](org) boss"]}, "reads as entity markup"),
    ],
)
def test_each_kind_of_invalid_input_is_refused_in_plain_words(root, change, reason):
    add_orphan_intent(root)
    found = problems(replace(GOOD, **change), root)
    assert len(found) == 1 and reason in found[0], found


def test_every_problem_is_reported_at_once(root):
    bad = NewQuestion(topic="nope", id="Nope", question="nope", source="nope", related=["nope"])
    assert len(problems(bad, root)) == 7


def test_the_write_is_all_or_nothing(root, monkeypatch):
    kb_file, nlu_file = files(root)
    before = snapshot(root)
    real_replace = os.replace

    def fail_on_the_nlu_file(source, destination):
        if Path(destination) == nlu_file:
            raise OSError("disk full")
        real_replace(source, destination)

    monkeypatch.setattr(new_question.os, "replace", fail_on_the_nlu_file)
    with pytest.raises(OSError, match="disk full"):
        write(GOOD, root)
    assert snapshot(root) == before


def test_a_file_that_would_not_read_back_is_not_written(root):
    kb_file, _ = files(root)
    text = kb_file.read_text()
    topic, entries = text.split("entries:\n")
    kb_file.write_text(f"entries:\n{entries}{topic}")  # 'entries' is no longer last
    before = snapshot(root)
    with pytest.raises(WriteError, match="leadership.yml: the new question would not read back"):
        write(GOOD, root)
    assert snapshot(root) == before


def test_a_topic_without_an_nlu_file_gets_one(root):
    _, nlu_file = files(root)
    nlu_file.unlink()
    write(GOOD, root)
    assert nlu_file.read_text().startswith('version: "3.1"\nnlu:\n- intent: faq/')
    assert faq_examples(nlu_file, GOOD.id) == GOOD.examples


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is the Chief Executive of the ICB?", "chief_executive_icb_who"),
        ("How many GP practices are there?", "gp_practices_how_many"),
        ("What is a Primary Care Network (PCN)?", "primary_care_network_pcn_what_is"),
        ("Is Solihull’s population getting older?", "solihull_population_getting_older"),
        ("Où est la clinique?", "ou_est_la_clinique"),
        ("999?", "q_999"),
        ("?", "question"),
    ],
)
def test_the_suggested_id_reads_as_the_question(question, expected):
    assert suggest_id(question) == expected


def test_the_suggested_id_is_short_valid_and_free():
    long = suggest_id("What is the plan for " + "health and care services " * 10 + "?")
    assert len(long) <= 50 and long.endswith("_what_is") and ID_PATTERN.match(long)
    taken = {"gp_practices_how_many", "gp_practices_how_many_2"}
    assert suggest_id("How many GP practices?", taken) == "gp_practices_how_many_3"
