"""``python -m assistant validate``: each problem on its own line, then how many; exit 1 if any."""

from pathlib import Path

import pytest

from assistant.__main__ import main
from assistant.checks import cli, run
from tests.test_checks import SOURCES, copy_project, edit, line_of


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project that the command checks, without Rasa's own check."""
    monkeypatch.setattr(cli, "PROJECT_ROOT", copy_project(tmp_path))
    monkeypatch.setenv("BSOL_SOURCES_DIR", str(SOURCES))
    monkeypatch.setattr(run, "rasa_problems", lambda root: pytest.fail("--no-rasa ran Rasa"))
    return tmp_path


def test_validate_says_when_there_are_no_problems(project, capsys):
    assert main(["validate", "--no-rasa"]) == 0
    assert capsys.readouterr().out == "No problems found.\n"


def test_validate_lists_each_problem_then_how_many(project, capsys):
    edit(project, "translations/safety/pl.yml", "language: pl\n", "language: pl: Polish\n")
    edit(project, "data/nlu/faq/gp_practices.yml", "    - whats my pcn\n", "    - pcn?\n")
    assert main(["validate", "--no-rasa"]) == 1
    lines = capsys.readouterr().out.splitlines()
    safety, nlu = "translations/safety/pl.yml", "data/nlu/faq/gp_practices.yml"
    assert lines[0].startswith(
        f"{safety}:{line_of(project, safety, 'pl: ')}: this file is not valid YAML"
    )
    assert lines[1].startswith(
        f"{nlu}:{line_of(project, nlu, '- pcn?')}: the example phrasing 'pcn?' is also listed "
        "under faq/pcn_what_is"
    )
    assert lines[2:] == ["2 problem(s) found."]
