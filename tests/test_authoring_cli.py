"""``python -m assistant kb new``, run as staff run it: with options, or answering its prompts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.knowledge import load_knowledge_base
from assistant.paths import PROJECT_ROOT
from tests.test_authoring_new_question import GOOD, copy_project, faq_examples, files, snapshot

SOURCES_DIR = os.environ.get("BSOL_SOURCES_DIR", str(PROJECT_ROOT.parent / "shared" / "sources"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def kb_new(root: Path, *options: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "kb", "new", "--root", str(root), *options],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BSOL_SOURCES_DIR": SOURCES_DIR},
    )


def options(**changes: object) -> list[str]:
    values = {**vars(GOOD), **changes}
    found = [f"--{name}={values[name]}" for name in ("topic", "id", "question", "answer", "source")]
    found += [f"--example={example}" for example in values["examples"]]
    return found + [f"--related={related}" for related in values["related"]]


def test_with_every_option_it_asks_nothing_adds_the_question_and_says_what_next(root):
    result = kb_new(root, *options())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Added 'icb_finance_director_who' to data/kb/leadership.yml and " in result.stdout
    assert "No problems found." in result.stdout
    steps = result.stdout.split("Next steps:")[1]
    assert steps.index("make train") < steps.index("make test") < steps.index("make shell")
    entry = load_knowledge_base(root / "data" / "kb").entries[GOOD.id]
    assert entry.question == GOOD.question
    assert faq_examples(files(root)[1], GOOD.id) == GOOD.examples


def test_without_an_id_it_uses_the_suggested_one(root):
    result = kb_new(root, *[o for o in options() if not o.startswith("--id=")])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "finance_director_icb_who" in load_knowledge_base(root / "data" / "kb").entries


def test_invalid_options_print_every_problem_and_write_nothing(root):
    before = snapshot(root)
    result = kb_new(
        root, *options(topic="nope", question="no mark", source="x.txt", examples=["a"] * 3)
    )
    assert result.returncode == 2
    for reason in [
        "There is no topic 'nope'",
        "must end with '?'",
        "Source 'x.txt' is not listed",
        "Example 'a' is given twice.",
        "Give at least 8 example phrasings; there are 3.",
        "Nothing was written.",
    ]:
        assert reason in result.stderr
    assert snapshot(root) == before


def test_when_the_checks_find_problems_it_says_so_and_exits_1(root):
    with (root / "data" / "kb" / "sources.yml").open("a", encoding="utf-8") as sources:
        sources.write("  999_not_there.txt: A document nobody copied\n")
    result = kb_new(root, *options())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data/kb/sources.yml:" in result.stdout and "999_not_there.txt" in result.stdout
    assert "Next steps:" in result.stdout


EXAMPLES = "\n".join(GOOD.examples[1:])
SESSION = f"""99
leadership
Who is the finance director of the ICB
{GOOD.question}
The source names the finance director
of the Integrated Care Board (ICB).

3

{EXAMPLES}
who chairs the ics

nope
icb_chief_executive_who, ics_chair_who
ics_chair_who

"""


def test_interactive_mode_asks_one_thing_at_a_time_and_re_asks_with_the_reason(root):
    result = kb_new(root, stdin=SESSION)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for prompt_or_reason in [
        "   6. leadership: Who leads the ICS and the ICB",
        "There is no topic '99'",
        "must end with '?'",
        "   3. 002_1c57cabbec3451ab.txt: Our Plan (Birmingham and Solihull ICS)",
        f"1 [{GOOD.question}]: ",
        "'who chairs the ics' is already an example of faq/ics_chair_who",
        "Related entry 'nope' does not exist.",
        "Id [finance_director_icb_who]: ",
        "'ics_chair_who' is already used by an entry in data/kb/leadership.yml",
    ]:
        assert prompt_or_reason in out
    entry = load_knowledge_base(root / "data" / "kb").entries["finance_director_icb_who"]
    assert entry.answer == (
        "The source names the finance director of the Integrated Care Board (ICB)."
    )
    assert entry.source == "002_1c57cabbec3451ab.txt"
    assert entry.related == ("icb_chief_executive_who", "ics_chair_who")
    assert faq_examples(files(root)[1], entry.id) == GOOD.examples


def test_interactive_mode_asks_only_for_what_options_do_not_give(root):
    given = [o for o in options() if o.startswith(("--topic", "--source", "--related", "--id"))]
    stdin = f"{GOOD.question}\nAn answer.\n\n\n{EXAMPLES}\n\n"
    result = kb_new(root, *given, stdin=stdin)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Topics:" not in result.stdout and "Sources:" not in result.stdout
    assert load_knowledge_base(root / "data" / "kb").entries[GOOD.id].answer == "An answer."


def test_input_ending_early_writes_nothing(root):
    before = snapshot(root)
    result = kb_new(root, stdin="leadership\nWho is the finance director?\n")
    assert result.returncode == 2
    assert "Stopped: nothing was written." in result.stderr
    assert snapshot(root) == before


def test_the_command_is_listed():
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "kb", "new", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--example" in result.stdout and "--root" not in result.stdout
