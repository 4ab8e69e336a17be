"""Read the project's YAML files once each, keeping where every key is (its line).

A file that is missing or is not valid YAML becomes one problem, reported once however many
checks read it; the checks then see it as absent.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.checks.problem import Problem

# libyaml's loader when PyYAML has it (ten times faster); its nodes know their lines too.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Document:
    """One YAML file: its data, its parsed nodes (which know their lines) and its text.

    Attributes:
        path: The file, relative to the project folder.
        data: The file's content, as ``yaml.safe_load`` reads it.
        node: The same content as YAML nodes, which carry their line numbers.
        lines: The file's text, line by line.
    """

    path: str
    data: Any
    node: yaml.Node | None
    lines: tuple[str, ...]

    def mapping(self, key: str) -> dict:
        """The mapping under a top-level key, or an empty one if the file has none."""
        value = self.data.get(key) if isinstance(self.data, dict) else None
        return value if isinstance(value, dict) else {}

    def sequence(self, key: str) -> list:
        """The list under a top-level key, or an empty one if the file has none."""
        value = self.data.get(key) if isinstance(self.data, dict) else None
        return value if isinstance(value, list) else []

    def line(self, *keys: str | int) -> int | None:
        """The line (1-based) of the key or list item that ``keys`` lead to, or None.

        ``doc.line("responses", "utter_crisis", 0)`` is the line of utter_crisis's first variant.
        """
        return self._walk(keys)[1]

    def find(
        self, wanted: str, start: int = 1, *, read: Callable[[str], str] | None = None
    ) -> int | None:
        """The first line from line ``start`` on (1-based) that holds ``wanted``.

        Args:
            wanted: The text to look for.
            start: The line to start at.
            read: If given, a line matches when ``read(line)`` is exactly ``wanted``.
        """
        for number in range(max(start, 1), len(self.lines) + 1):
            line = self.lines[number - 1]
            if (read(line) == wanted) if read else (wanted in line):
                return number
        return None

    def _walk(self, keys: tuple[str | int, ...]) -> tuple[yaml.Node | None, int | None]:
        """The node that ``keys`` lead to, and the line of its key or list item."""
        node, line = self.node, None
        for key in keys:
            if isinstance(node, yaml.MappingNode) and isinstance(key, str):
                pair = next((pair for pair in node.value if pair[0].value == key), None)
                if pair is None:
                    return None, None
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if not 0 <= key < len(node.value):
                    return None, None
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return None, None
        return node, line


class Project:
    """The files of one copy of the project, read on demand and kept.

    Attributes:
        root: The project folder.
        problems: One problem for each file that was missing or not valid YAML.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self._documents: dict[str, Document | None] = {}

    def document(self, path: str, *, required: bool = True) -> Document | None:
        """The YAML file at ``path`` (relative to the project), or None if it cannot be read.

        Args:
            path: The file, relative to the project folder.
            required: Whether a missing file is a problem; a file that is not valid YAML always is.
        """
        if path not in self._documents:
            self._documents[path] = self._read(path, required)
        return self._documents[path]

    def documents(self, folder: str, *, recursive: bool = False) -> list[Document]:
        """Every readable YAML file in ``folder`` (and its sub-folders if ``recursive``)."""
        base = self.root / folder
        found = base.rglob("*.yml") if recursive else base.glob("*.yml")
        paths = sorted(path.relative_to(self.root).as_posix() for path in found)
        return [doc for path in paths if (doc := self.document(path))]

    def _read(self, path: str, required: bool) -> Document | None:
        try:
            text = (self.root / path).read_text(encoding="utf-8")
        except FileNotFoundError:
            if required:
                self.problems.append(Problem(path, None, "the file is missing: restore it."))
            return None
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            reason = getattr(error, "problem", None) or "it cannot be read"
            self.problems.append(
                Problem(
                    path,
                    mark.line + 1 if mark else None,
                    f"this file is not valid YAML ({reason}), so nothing in it can be used: "
                    "look for a wrong indentation, a missing ':' or an unclosed quote here or "
                    "on the line before.",
                )
            )
            return None
        finally:
            loader.dispose()
        return Document(path=path, data=data, node=node, lines=tuple(text.splitlines()))
