"""docs/extending.md stays true: every command in it is a make target, and each one runs."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.paths import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "extending.md"


def guide_commands() -> list[str]:
    """Every command in the guide's code blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return sorted({line for line in lines if line})


def make(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout=600):
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=PROJECT_ROOT, input=input, text=True,
        capture_output=True, timeout=timeout, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_every_command_in_the_guide_is_a_make_target():
    targets = set(re.findall(r"^  make (\S+)", make("help").stdout, flags=re.MULTILINE))
    commands = guide_commands()
    assert len(commands) >= 8
    for command in commands:
        words = command.split()
        assert words[0] == "make", f"the guide asks staff to run {command!r}: make it a target"
        assert words[1] in targets, f"{command!r}: no such make target"


@pytest.mark.parametrize("command", guide_commands())
def test_every_command_in_the_guide_is_runnable(command):
    """Make can plan each command (a dry run); the tests below run them for real."""
    result = make("--dry-run", *command.split()[1:])
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_make_validate_runs_and_finds_no_problems():
    result = make("validate")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No problems found" in result.stdout


@pytest.mark.server
def test_make_shell_holds_a_conversation(stack):
    result = make("shell", f"SERVER={stack.url}", "LANGUAGE_CODE=pl", input="who chairs the ICS?\n")
    assert result.returncode == 0, result.stderr
    assert "Dame Yve Buckland" in result.stdout
    assert "Źródło" in result.stdout  # "Source", in Polish


@pytest.mark.server
def test_make_unanswered_reports_from_the_conversation_store(stack, ask):
    ask("could you sort out my garden fence please, my email is someone@example.com")
    result = make(
        "unanswered", "SINCE=30d", env={"BSOL_TRACKER_DB_URL": f"sqlite:///{stack.tracker_db}"}
    )
    assert result.returncode == 0, result.stderr
    assert "garden fence" in result.stdout
    assert "someone@example.com" not in result.stdout


NEW_QUESTION = "How many GP practices cover the West Birmingham area?"
NEW_ANSWER = (
    "A further 24 GP practices and 4 Primary Care Networks (PCNs) cover the West Birmingham area."
)
PHRASINGS = [
    "gp practices in the west birmingham patch how many",
    "number of gp surgeries covering west brum",
    "how many surgeries look after west birmingham",
    "west birmingham gp practice count",
    "how many doctors surgeries are in west birmingham",
    "how many pcns and practices cover west birmingham",
    "count of west birmingham gp practices",
    "how many family doctor practices in west bham",
]


def copy_project(destination: Path) -> Path:
    """The project as a member of staff has it: everything but the environment and outputs."""
    skip = shutil.ignore_patterns(".venv", ".git", ".rasa", "models", "var", "results", "reports")
    shutil.copytree(PROJECT_ROOT, destination, ignore=skip)  # keeps times: set-up is not redone
    return destination


@pytest.mark.slow
@pytest.mark.server
def test_a_new_question_end_to_end_as_the_guide_says(tmp_path):
    """Scaffold → validate → train → ask it, through the guide's own make targets."""
    project = copy_project(tmp_path / "project")
    # Beside the project, as on every machine: ../shared (the directory's open data is read from
    # ../shared/data when the assistant starts on a fresh copy).
    (tmp_path / "shared").symlink_to(PROJECT_ROOT.parent / "shared")
    env = {"BSOL_SOURCES_DIR": str(PROJECT_ROOT.parent / "shared" / "sources")}

    def staff(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        result = make(
            "-C", str(project), f"VENV={PROJECT_ROOT / '.venv'}", *args, input=input, env=env,
            timeout=1500,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    answers = [
        "gp_practices",  # topic
        NEW_QUESTION,
        NEW_ANSWER, "",  # the answer, then an empty line
        "003_edeffa7479d8fefc.txt",  # source
        "", *PHRASINGS, "",  # keep the question as the first phrasing, then 8 more
        "gp_practices_how_many",  # related
        "west_birmingham_gp_practices_how_many",  # id
    ]  # fmt: skip
    added = staff("new-question", input="\n".join(answers) + "\n")
    assert "No problems found" in added.stdout
    kb_file = (project / "data" / "kb" / "gp_practices.yml").read_text(encoding="utf-8")
    assert "- id: west_birmingham_gp_practices_how_many" in kb_file
    staff("validate")
    staff("train")
    conversation = staff("shell", input=NEW_QUESTION + "\n")
    assert "24 GP practices and 4 Primary Care Networks (PCNs) cover" in conversation.stdout
    assert "Source: Our Integrated Care System: About us" in conversation.stdout
