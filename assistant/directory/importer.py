"""Read and check NHS England's and ODS's files; build Birmingham and Solihull's directory.

Every check that fails raises :class:`DirectoryFileError` naming the file and row, before
anything is written. The practices are the NHS England mapping's rows for sub-ICB 15E (practices
with registered patients); epraccur gives their address, phone and status, ePCN their PCN's
address, the ICS's lookup their locality, and the ONS postcodes their location.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from assistant.directory import xlsx
from assistant.directory.models import District, Pcn, Practice, Source
from assistant.directory.names import readable, readable_name
from assistant.directory.postcodes import (
    Location,
    district_of,
    districts,
    districts_near,
    normal_postcode,
)

SUB_ICB = "15E"  # NHS Birmingham and Solihull ICB
EXPECTED_PRACTICES = 175  # August 2026 (../shared/data/gp-practices/README.md)
EXPECTED_PCNS = 36
COUNT_TOLERANCE = 0.2  # refuse counts further than this from the expected ones
WEST_BIRMINGHAM_JOINED = "20220701"  # joined 15E from Sandwell and West Birmingham CCG
NEIGHBOUR_KM = 5.0  # full postcodes are kept for districts this near a practice
LICENCE = "Open Government Licence v3.0"

MAPPING_COLUMNS = ("EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE",
                   "PCN_CODE", "PCN_NAME", "SUB_ICB_LOCATION_CODE")  # fmt: skip
EPRACCUR_COLUMNS = 27
EPCN_SHEET = "PCNDetails"
EPCN_COLUMNS = ("PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location",
                "Open Date", "Close Date", "Address Line 1", "Address Line 2", "Address Line 3",
                "Address Line 4", "Address Line 5", "Postcode")  # fmt: skip
LOCALITY_COLUMNS = ("Practice_Code", "Type", "Locality")
POSTCODE_COLUMNS = ["Postcode", "lat", "long"]
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")[ -](\d{4})\b", re.IGNORECASE)
_DATE = re.compile(r"\d{8}")


class DirectoryFileError(Exception):
    """A file the importer does not understand: names the file and, where there is one, the row."""

    def __init__(self, path: Path, problem: str, row: int | None = None) -> None:
        where = f"{path}, row {row}" if row is not None else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class SourceFiles:
    """The files to import. ``postcodes`` is a folder of ``<area>.csv`` files."""

    mapping: Path
    epraccur: Path
    epcn: Path
    localities: Path
    postcodes: Path
    readme: Path

    @classmethod
    def in_folder(cls, data: Path, **given: Path | None) -> SourceFiles:
        """The files as ``../shared/data`` lays them out, except those ``given`` (by field name).

        The mapping and the locality lookup are the one file there whose name matches.
        """
        practices = data / "gp-practices"
        found = {
            "mapping": lambda: _only(practices, "gp-reg-pat-prac-map_*.csv"),
            "epraccur": lambda: practices / "epraccur.csv",
            "epcn": lambda: practices / "ePCN.xlsx",
            "localities": lambda: _only(practices, "better-GP-lookup-*.csv"),
            "postcodes": lambda: data / "postcodes",
            "readme": lambda: data / "README.md",
        }
        return cls(**{name: given.get(name) or find() for name, find in found.items()})


@dataclass(frozen=True)
class Directory:
    """What the importer found: sorted, ready to be written."""

    practices: list[Practice]
    pcns: list[Pcn]
    districts: list[District]
    postcodes: dict[str, Location]
    sources: list[Source]
    attribution: str
    notes: list[str] = field(default_factory=list)


def import_directory(files: SourceFiles) -> Directory:
    """Read and check every file; raises :class:`DirectoryFileError` on the first problem."""
    notes: list[str] = []
    mapping, extract_date = _read_mapping(files.mapping)
    epraccur = _read_epraccur(files.epraccur)
    epcn, epcn_date = _read_epcn(files.epcn)
    localities = _read_localities(files.localities)
    locations = _read_postcodes(files.postcodes)
    attribution = _attribution(files.readme)
    practices = []
    for row_number, row in mapping:
        code = row["PRACTICE_CODE"]
        if code not in epraccur:
            raise DirectoryFileError(files.mapping, f"practice {code} is not in {files.epraccur}",
                                     row_number)  # fmt: skip
        record_row, record = epraccur[code]
        practices.append(_practice(files, row, record_row, record, localities, locations, notes))
    pcns = _pcns(files.mapping, mapping, epcn, notes)
    _check_count(files.mapping, "practices", len(practices), EXPECTED_PRACTICES)
    _check_count(files.mapping, "PCNs", len(pcns), EXPECTED_PCNS)
    all_districts = districts(locations)
    places = [(practice.latitude, practice.longitude) for practice in practices]
    kept = {district_of(practice.postcode) for practice in practices}
    kept |= districts_near(all_districts, places, NEIGHBOUR_KM)
    sources = [
        _source("mapping", files.mapping, "NHS England, Patients Registered at a GP Practice: "
                "practice-to-PCN mapping", extract_date, "EXTRACT_DATE column"),  # fmt: skip
        _source("epraccur", files.epraccur, "ODS epraccur: GP practices",
                _latest_date(r for _, r in epraccur.values()), "latest date in the file"),
        _source("epcn", files.epcn, "ODS ePCN: Primary Care Networks", epcn_date,
                "latest date in the file"),
        _source("localities", files.localities, "Birmingham and Solihull ICS: GP practice "
                "locality lookup", _month_year(files.localities, files.localities.name),
                "file name"),  # fmt: skip
        *_postcode_sources(files.postcodes),
    ]
    return Directory(
        practices=sorted(practices, key=lambda practice: practice.code),
        pcns=sorted(pcns, key=lambda pcn: pcn.code),
        districts=[all_districts[name] for name in sorted(all_districts)],
        postcodes={
            postcode: locations[postcode]
            for postcode in sorted(locations)
            if district_of(postcode) in kept
        },
        sources=sources,
        attribution=attribution,
        notes=notes,
    )


def _practice(
    files: SourceFiles,
    row: dict[str, str],
    record_row: int,
    record: list[str],
    localities: dict[str, str],
    locations: dict[str, Location],
    notes: list[str],
) -> Practice:
    code = row["PRACTICE_CODE"]
    if record[12] != "ACTIVE":
        status = record[12] or "without a status"
        raise DirectoryFileError(files.epraccur, f"practice {code} is {status}, not ACTIVE, yet "
                                 "the mapping lists it", record_row)  # fmt: skip
    phone = _phone(record[17])
    if not phone:
        raise DirectoryFileError(files.epraccur, f"practice {code} has no usable phone number "
                                 f"({record[17]!r})", record_row)  # fmt: skip
    postcode = normal_postcode(record[9])
    if postcode is None:
        raise DirectoryFileError(files.epraccur, f"practice {code}'s postcode {record[9]!r} is "
                                 "not a postcode", record_row)  # fmt: skip
    if postcode not in locations:
        raise DirectoryFileError(files.epraccur, f"practice {code} has no location: its postcode "
                                 f"{postcode} is not in {files.postcodes} (or has no latitude)",
                                 record_row)  # fmt: skip
    if normal_postcode(row["PRACTICE_POSTCODE"]) != postcode:
        notes.append(f"{code}: the mapping gives postcode {row['PRACTICE_POSTCODE']}, epraccur "
                     f"{postcode}; epraccur's address and postcode are used")  # fmt: skip
    if code not in localities:
        notes.append(f"{code} is not in {files.localities.name}: no locality")
    latitude, longitude = locations[postcode]
    return Practice(
        code=code,
        name=readable_name(row["PRACTICE_NAME"]),
        ods_name=row["PRACTICE_NAME"],
        address=", ".join(readable(line) for line in (*record[4:7], record[8]) if line.strip()),
        town=readable(record[7]),
        postcode=postcode,
        phone=phone,
        pcn_code=row["PCN_CODE"],
        locality=localities.get(code, ""),
        west_birmingham=record[15] == WEST_BIRMINGHAM_JOINED,
        latitude=latitude,
        longitude=longitude,
    )


def _pcns(
    path: Path,
    mapping: list[tuple[int, dict[str, str]]],
    epcn: dict[str, list[str]],
    notes: list[str],
) -> list[Pcn]:
    names: dict[str, str] = {}
    members: dict[str, int] = {}
    for row_number, row in mapping:
        code, name = row["PCN_CODE"], row["PCN_NAME"]
        if names.setdefault(code, name) != name:
            raise DirectoryFileError(path, f"PCN {code} is called {name!r} here and "
                                     f"{names[code]!r} above", row_number)  # fmt: skip
        members[code] = members.get(code, 0) + 1
    pcns = []
    for code, name in names.items():
        details = epcn.get(code)
        if details is None:
            notes.append(f"PCN {code} ({name}) is not in ePCN: no address")
        lines = details or [""] * len(EPCN_COLUMNS)
        pcns.append(Pcn(
            code=code,
            name=readable_name(name),
            ods_name=name,
            address=", ".join(readable(line) for line in (*lines[6:9], lines[10]) if line.strip()),
            town=readable(lines[9]),
            postcode=normal_postcode(lines[11]) or "",
            practices=members[code],
        ))  # fmt: skip
    return pcns


def _read_mapping(path: Path) -> tuple[list[tuple[int, dict[str, str]]], str]:
    """Sub-ICB 15E's rows of the practice-to-PCN mapping (with their row numbers), and its date."""
    rows = _csv_rows(path)
    header = rows[0][1] if rows else []
    missing = [column for column in MAPPING_COLUMNS if column not in header]
    if missing:
        raise DirectoryFileError(path, f"no column {', '.join(missing)}: is this NHS England's "
                                 "practice-to-PCN mapping?", 1)  # fmt: skip
    found: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    dates: set[str] = set()
    for row_number, cells in rows[1:]:
        if len(cells) != len(header):
            raise DirectoryFileError(path, f"{len(cells)} columns, the header has {len(header)}",
                                     row_number)  # fmt: skip
        row = dict(zip(header, cells, strict=True))
        dates.add(row["EXTRACT_DATE"])
        if row["SUB_ICB_LOCATION_CODE"] != SUB_ICB:
            continue
        code = row["PRACTICE_CODE"]
        if code in seen:
            raise DirectoryFileError(path, f"practice {code} is listed twice (rows {seen[code]} "
                                     f"and {row_number})", row_number)  # fmt: skip
        seen[code] = row_number
        if not row["PCN_CODE"].strip():
            raise DirectoryFileError(path, f"practice {code} has no PCN", row_number)
        found.append((row_number, row))
    if len(dates) != 1:
        raise DirectoryFileError(path, f"the rows have {len(dates)} different EXTRACT_DATEs")
    try:
        extract_date = datetime.strptime(dates.pop(), "%d%b%Y").date().isoformat()
    except ValueError:
        raise DirectoryFileError(path, "EXTRACT_DATE is not a date like 01Aug2026", 2) from None
    return found, extract_date


def _read_epraccur(path: Path) -> dict[str, tuple[int, list[str]]]:
    """Every epraccur record by practice code, with its row number."""
    records: dict[str, tuple[int, list[str]]] = {}
    for row_number, cells in _csv_rows(path):
        if len(cells) != EPRACCUR_COLUMNS:
            problem = f"{len(cells)} columns, epraccur has {EPRACCUR_COLUMNS} (and no header row)"
            raise DirectoryFileError(path, problem, row_number)
        code = cells[0]
        if code in records:
            problem = f"practice {code} is listed twice (rows {records[code][0]} and {row_number})"
            raise DirectoryFileError(path, problem, row_number)
        records[code] = (row_number, cells)
    return records


def _read_epcn(path: Path) -> tuple[dict[str, list[str]], str]:
    """EPCN's PCN details by PCN code, and the latest date in the workbook."""
    try:
        rows = xlsx.read_sheet(path, EPCN_SHEET)
    except xlsx.XlsxError as error:
        raise DirectoryFileError(path, str(error)) from None
    if not rows or tuple(rows[0][: len(EPCN_COLUMNS)]) != EPCN_COLUMNS:
        raise DirectoryFileError(path, f"sheet {EPCN_SHEET}'s columns are not "
                                 f"{', '.join(EPCN_COLUMNS)}", 1)  # fmt: skip
    details: dict[str, list[str]] = {}
    for row_number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        if len(cells) > len(EPCN_COLUMNS):
            raise DirectoryFileError(path, f"sheet {EPCN_SHEET}: {len(cells)} columns, "
                                     f"expected {len(EPCN_COLUMNS)}", row_number)  # fmt: skip
        cells = cells + [""] * (len(EPCN_COLUMNS) - len(cells))
        if cells[0] in details:
            raise DirectoryFileError(path, f"sheet {EPCN_SHEET}: PCN {cells[0]} is listed twice",
                                     row_number)  # fmt: skip
        details[cells[0]] = cells
    return details, _latest_date(cells[4:6] for cells in details.values())


def _read_localities(path: Path) -> dict[str, str]:
    """The ICS's locality of each practice (its main site's row)."""
    rows = _csv_rows(path)
    header = rows[0][1] if rows else []
    if any(column not in header for column in LOCALITY_COLUMNS):
        raise DirectoryFileError(path, f"the columns should include {', '.join(LOCALITY_COLUMNS)}",
                                 1)  # fmt: skip
    localities: dict[str, str] = {}
    for row_number, cells in rows[1:]:
        if len(cells) != len(header):
            raise DirectoryFileError(path, f"{len(cells)} columns, the header has {len(header)}",
                                     row_number)  # fmt: skip
        row = dict(zip(header, cells, strict=True))
        if row["Type"] != "Main":
            continue
        if row["Practice_Code"] in localities:
            raise DirectoryFileError(path, f"practice {row['Practice_Code']} is listed twice",
                                     row_number)  # fmt: skip
        localities[row["Practice_Code"]] = row["Locality"]
    return localities


def _read_postcodes(folder: Path) -> dict[str, Location]:
    """Every postcode with a location, in normal form ("B11 1LU"), from each ``<area>.csv``."""
    files = _postcode_files(folder)
    locations: dict[str, Location] = {}
    seen: set[str] = set()
    for path in files:
        rows = _csv_rows(path)
        if not rows or rows[0][1] != POSTCODE_COLUMNS:
            raise DirectoryFileError(path, f"the header should be {','.join(POSTCODE_COLUMNS)}", 1)
        for row_number, cells in rows[1:]:
            if len(cells) != len(POSTCODE_COLUMNS):
                raise DirectoryFileError(path, f"{len(cells)} columns, expected 3", row_number)
            postcode = normal_postcode(cells[0])
            if postcode is None:
                raise DirectoryFileError(path, f"{cells[0]!r} is not a postcode", row_number)
            if postcode in seen:
                raise DirectoryFileError(path, f"{postcode} is listed twice", row_number)
            seen.add(postcode)
            if not cells[1].strip():
                continue  # no location published
            try:
                locations[postcode] = (float(cells[1]), float(cells[2]))
            except ValueError:
                raise DirectoryFileError(path, f"latitude {cells[1]!r} or longitude {cells[2]!r} "
                                         "is not a number", row_number) from None  # fmt: skip
    return locations


def _postcode_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DirectoryFileError(folder, "no postcode files (<area>.csv) here")
    return files


def _postcode_sources(folder: Path) -> list[Source]:
    published = _month_year(folder / "README.md", _read_text(folder / "README.md"))
    return [
        _source(f"postcodes_{path.stem}", path, f"ONS postcode locations, {path.stem} area",
                published, "README.md")  # fmt: skip
        for path in _postcode_files(folder)
    ]


def _attribution(readme: Path) -> str:
    """The attribution the data README asks for: its block quote after 'Attribution'."""
    text = _read_text(readme)
    after = text.split("Attribution", 1)[-1] if "Attribution" in text else ""
    quote = re.search(r"((?:^>.*\n?)+)", after, flags=re.MULTILINE)
    if not quote:
        raise DirectoryFileError(readme, "no attribution (a '> ' block quote after "
                                 "'Attribution')")  # fmt: skip
    return " ".join(line.lstrip("> ").strip() for line in quote.group(1).splitlines()).strip()


def _source(key: str, path: Path, title: str, published: str, published_from: str) -> Source:
    return Source(key=key, file=path.name, title=title, published=published,
                  published_from=published_from, sha256=_sha256(path),
                  licence=LICENCE)  # fmt: skip


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The rows of a CSV file, each with its row number (1 is the first line)."""
    text = _read_text(path)
    try:
        return [(number, cells) for number, cells in enumerate(csv.reader(io.StringIO(text)), 1)]
    except csv.Error as error:
        raise DirectoryFileError(path, f"not CSV ({error})") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DirectoryFileError(path, "no such file") from None
    except UnicodeDecodeError as error:
        raise DirectoryFileError(path, f"not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise DirectoryFileError(path, f"cannot be read ({error.strerror})") from None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _latest_date(rows: object) -> str:
    """The latest YYYYMMDD date in the cells of ``rows`` (an iterable of cell lists), ISO."""
    dates = [cell for cells in rows for cell in cells if _DATE.fullmatch(cell)]  # type: ignore[attr-defined]
    latest = max(dates, default="")
    return f"{latest[:4]}-{latest[4:6]}-{latest[6:]}" if latest else ""


def _month_year(path: Path, text: str) -> str:
    """The first "May 2025" or "march-2024" in ``text``, as ``2025-05``."""
    match = _MONTH_YEAR.search(text)
    if not match:
        raise DirectoryFileError(path, "no month and year (e.g. 'march-2024', 'May 2025') to "
                                 "date it by")  # fmt: skip
    return f"{match.group(2)}-{_MONTHS.index(match.group(1).lower()) + 1:02d}"


def _phone(text: str) -> str:
    """A UK phone number spaced as usual (0121 465 1500, 01564 739194, 0345 111 1310), or ""."""
    digits = re.sub(r"\D", "", text)
    if len(digits) != 11 or not digits.startswith("0"):
        return ""
    if digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits[:2] in ("03", "07", "08") or re.match(r"01\d1|011\d", digits):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"


def _check_count(path: Path, what: str, found: int, expected: int) -> None:
    if abs(found - expected) > expected * COUNT_TOLERANCE:
        raise DirectoryFileError(path, f"{found} {what} in sub-ICB {SUB_ICB}, expected about "
                                 f"{expected}: is this the right file?")  # fmt: skip


def _only(folder: Path, pattern: str) -> Path:
    """The one file in ``folder`` matching ``pattern``."""
    if not folder.is_dir():
        raise DirectoryFileError(folder, "no such folder: is the shared data where the Makefile "
                                 "looks for it (../shared/data)?")  # fmt: skip
    matches = sorted(folder.glob(pattern))
    if len(matches) != 1:
        raise DirectoryFileError(folder, f"{len(matches)} files match {pattern}, expected one: "
                                 "give the file's path")  # fmt: skip
    return matches[0]
