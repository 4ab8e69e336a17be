"""Copies of ../shared/data in tmp_path with one file broken, for the directory importer's tests."""

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.directory.cli import SHARED_DATA

Rows = list[list[str]]

def shared_data() -> Path:
    if not (SHARED_DATA / "gp-practices").is_dir():
        pytest.skip(f"the open data is not at {SHARED_DATA}")
    return SHARED_DATA

def copy_with(tmp_path: Path, relative: str, edit: Callable[[Rows], Rows]) -> Path:
    """A copy of the shared data (links, but ``relative`` rewritten by ``edit``); its folder."""
    source = shared_data()
    data = tmp_path / "data"
    for folder in ("gp-practices", "postcodes"):
        (data / folder).mkdir(parents=True)
        for path in (source / folder).iterdir():
            (data / folder / path.name).symlink_to(path)
    (data / "README.md").symlink_to(source / "README.md")
    target = data / relative
    with (source / relative).open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    target.unlink()
    with target.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(edit(rows))
    return data

def replace_file(tmp_path: Path, relative: str, content: bytes) -> Path:
    data = copy_with(tmp_path, "gp-practices/better-GP-lookup-march-2024.csv", lambda rows: rows)
    (data / relative).unlink()
    (data / relative).write_bytes(content)
    return data

def first_row(rows: Rows, test: Callable[[list[str]], bool]) -> int:
    """The index of the first row that passes ``test``."""
    return next(index for index, row in enumerate(rows) if test(row))

