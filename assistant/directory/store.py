"""The project's directory data: written by the importer, read by the assistant.

``data/directory/`` (committed, small, reviewed in a diff): ``practices.csv``, ``pcns.csv``,
``districts.csv`` (every postcode district's centroid) and ``sources.yml``.
``var/directory/postcodes.csv`` (build output of ``make directory``, ~1.3 MB): the location of
each postcode in the districts near Birmingham and Solihull's practices.
Rows are sorted and numbers written the same way, so the same files give the same bytes.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import yaml

from assistant.directory.importer import Directory
from assistant.directory.models import District, Pcn, Practice
from assistant.directory.postcodes import Location
from assistant.paths import DATA_DIR, VAR_DIR

DIRECTORY_DIR = DATA_DIR / "directory"
BUILD_DIR = VAR_DIR / "directory"
PRACTICES = "practices.csv"
PCNS = "pcns.csv"
DISTRICTS = "districts.csv"
SOURCES = "sources.yml"
POSTCODES = "postcodes.csv"


def write_directory(directory: Directory, data_dir: Path, build_dir: Path) -> list[Path]:
    """Write the directory's files (each whole, or not at all); return their paths."""
    contents = {
        data_dir / PRACTICES: _csv(Practice, directory.practices),
        data_dir / PCNS: _csv(Pcn, directory.pcns),
        data_dir / DISTRICTS: _csv(District, directory.districts),
        data_dir / SOURCES: _sources_yaml(directory),
        build_dir / POSTCODES: _postcodes_csv(directory.postcodes),
    }
    for path, text in contents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8", newline="")
        os.replace(partial, path)
    return list(contents)


def read_practices(path: Path = DIRECTORY_DIR / PRACTICES) -> list[Practice]:
    """The practices in ``practices.csv``."""
    return [
        Practice(**{**row, "west_birmingham": row["west_birmingham"] == "yes",  # type: ignore[arg-type]
                    "latitude": float(row["latitude"]), "longitude": float(row["longitude"])})
        for row in _rows(path)
    ]  # fmt: skip


def read_pcns(path: Path = DIRECTORY_DIR / PCNS) -> list[Pcn]:
    """The PCNs in ``pcns.csv``."""
    return [Pcn(**{**row, "practices": int(row["practices"])}) for row in _rows(path)]  # type: ignore[arg-type]


def read_districts(path: Path = DIRECTORY_DIR / DISTRICTS) -> list[District]:
    """The postcode districts in ``districts.csv``."""
    return [
        District(district=row["district"], latitude=float(row["latitude"]),
                 longitude=float(row["longitude"]), postcodes=int(row["postcodes"]))
        for row in _rows(path)
    ]  # fmt: skip


def read_sources(path: Path = DIRECTORY_DIR / SOURCES) -> dict[str, Any]:
    """``sources.yml``: each source's file, date and checksum, the counts and the attribution."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_postcodes(path: Path = BUILD_DIR / POSTCODES) -> dict[str, Location]:
    """The postcode lookup: ``"B11 1LU"`` -> (latitude, longitude)."""
    return {
        row["postcode"]: (float(row["latitude"]), float(row["longitude"])) for row in _rows(path)
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _csv(kind: type, items: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(field.name for field in fields(kind))
    writer.writerows([_cell(value) for value in asdict(item).values()] for item in items)
    return out.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.5f}"
    return str(value)


def _postcodes_csv(postcodes: dict[str, Location]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["postcode", "latitude", "longitude"])
    writer.writerows(
        [postcode, f"{lat:.5f}", f"{lon:.5f}"]
        for postcode, (lat, lon) in sorted(postcodes.items())
    )
    return out.getvalue()


def _sources_yaml(directory: Directory) -> str:
    document = {
        "attribution": directory.attribution,
        "counts": {
            "practices": len(directory.practices),
            "pcns": len(directory.pcns),
            "west_birmingham_practices": sum(p.west_birmingham for p in directory.practices),
            "postcode_districts": len(directory.districts),
            "postcodes_in_lookup": len(directory.postcodes),
        },
        "sources": {
            source.key: {k: v for k, v in asdict(source).items() if k != "key"}
            for source in directory.sources
        },
    }
    header = "# Written by `make directory` (python -m assistant directory import): do not edit.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
