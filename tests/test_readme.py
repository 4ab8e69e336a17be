"""The README: the sections residents' and reviewers' questions lead to, and tables that render.

A README edit once dropped three sections and a table's heading at once, silently.
"""

import re

import pytest

from assistant.directory.store import read_sources
from assistant.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "section", ["The two commands", "Where the facts come from", "GP practices and PCNs",
                "Measured figures", "Tests"],
)  # fmt: skip
def test_the_readme_has_its_section(section):
    assert f"\n## {section}\n" in README


def test_the_readme_gives_the_open_datas_attribution_as_the_directory_records_it():
    assert one_line(read_sources()["attribution"]) in one_line(README)


def cells(row: str) -> int:
    """How many cells a table row has (a ``|`` inside backticks is not a border)."""
    return len(re.sub(r"`[^`]*`", "", row).strip().strip("|").split("|"))


def tables(text: str) -> list[list[str]]:
    """Each Markdown table: its lines, from the header to the last row."""
    found, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found + ([current] if current else [])


def test_every_row_of_every_table_has_as_many_cells_as_its_header():
    for table in tables(README):
        assert re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", table[1]), f"no heading line: {table[0]}"
        wrong = [row for row in table if cells(row) != cells(table[0])]
        assert not wrong, f"under {table[0]!r}: {wrong}"
