"""Read one worksheet of an .xlsx file with the standard library (a zip of XML parts).

Only what ODS's ePCN workbook uses: shared strings, inline strings, numbers and booleans. Dates
stored as serial numbers are returned as the number's text; ePCN keeps its dates as text.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_COLUMN = re.compile(r"([A-Z]+)")


class XlsxError(Exception):
    """The file is not an .xlsx workbook this reader understands."""


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order."""
    with _open(path) as book:
        return [sheet.get("name", "") for sheet in _sheets(book)]


def read_sheet(path: Path, name: str) -> list[list[str]]:
    """The rows of the sheet called ``name``, each a list of cell texts ("" for an empty cell).

    Rows are returned in order with their gaps kept (an absent row is an empty list), so that
    ``rows[i]`` is spreadsheet row ``i + 1``.

    Raises:
        XlsxError: the file is not a readable workbook, or has no sheet called ``name``.
    """
    with _open(path) as book:
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in _xml(book, "xl/_rels/workbook.xml.rels").iter(f"{_PACKAGE_REL}Relationship")
        }
        for sheet in _sheets(book):
            if sheet.get("name") == name:
                target = targets.get(sheet.get(f"{_REL}id"), "")
                break
        else:
            raise XlsxError(f"{path.name} has no sheet called {name!r}")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        strings = _shared_strings(book)
        rows: list[list[str]] = []
        for row in _xml(book, part).iter(f"{_MAIN}row"):
            number = int(row.get("r") or len(rows) + 1)
            rows.extend([] for _ in range(number - 1 - len(rows)))
            cells: list[str] = []
            for cell in row.iter(f"{_MAIN}c"):
                column = _column_index(cell.get("r"), len(cells))
                cells.extend("" for _ in range(column - len(cells)))
                cells.append(_cell_text(cell, strings))
            rows.append(cells)
        return rows


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise XlsxError(f"{path.name} is not an .xlsx workbook ({error})") from None


def _xml(book: zipfile.ZipFile, part: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(book.read(part))
    except KeyError:
        raise XlsxError(f"{book.filename}: the workbook has no part {part}") from None
    except ElementTree.ParseError as error:
        raise XlsxError(f"{book.filename}: {part} is not well-formed XML ({error})") from None


def _sheets(book: zipfile.ZipFile) -> list[ElementTree.Element]:
    return list(_xml(book, "xl/workbook.xml").iter(f"{_MAIN}sheet"))


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    return [_text(item) for item in _xml(book, "xl/sharedStrings.xml").iter(f"{_MAIN}si")]


def _text(element: ElementTree.Element) -> str:
    """The text of a string item: its own ``t`` or its rich-text runs' (not phonetic hints)."""
    own = element.find(f"{_MAIN}t")
    if own is not None:
        return own.text or ""
    return "".join(run.findtext(f"{_MAIN}t") or "" for run in element.iter(f"{_MAIN}r"))


def _column_index(reference: str | None, default: int) -> int:
    """The 0-based column of a cell reference such as ``C12`` (``default`` when it has none)."""
    match = _CELL_COLUMN.match(reference or "")
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _cell_text(cell: ElementTree.Element, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return "" if inline is None else _text(inline)
    value = cell.findtext(f"{_MAIN}v") or ""
    if kind == "s" and value:
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            missing = f"cell {cell.get('r')} points at a shared string that is not there"
            raise XlsxError(missing) from None
    return value
