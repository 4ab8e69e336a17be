"""One problem found by the checks: the file, the line and what to do, in plain words."""

from dataclasses import dataclass


def place(path: str, line: int | None) -> str:
    """A file and line as people and editors read them: ``data/rules/safety.yml:12``."""
    return path if line is None else f"{path}:{line}"


@dataclass(frozen=True)
class Problem:
    """A mistake in the project's files, worded for the people who edit them.

    Attributes:
        path: The file, relative to the project folder (e.g. ``data/nlu/faq/gp_practices.yml``),
            or the name of the tool that found the problem when it names no file.
        line: The line of the mistake (1-based), or None when it concerns the whole file.
        message: What is wrong and what to do about it.
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{place(self.path, self.line)}: {self.message}"
