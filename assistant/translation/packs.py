"""Install, list and remove Argos translation packs (``.argosmodel`` files) in the project.

A pack is a zip archive of one folder holding ``metadata.json``, a CTranslate2 ``model/``, a
tokenizer (``sentencepiece.model`` or ``bpe.model``) and, for this project, ``minisbd/*.onnx``:
the MiniSBD sentence splitter Argos would otherwise download at the first translation. Packs are
checked before anything is extracted, installed as ``<packages dir>/translate-<from>_<to>`` (so
a newer pack for the same pair replaces the old one) and moved into place in one step.

Installing from a file or folder never uses the network. Installing by language code downloads
from the package index (:func:`assistant.translation.argos_runtime.index_url`, which can be a
local mirror) every pack between that language and English.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from assistant.translation import argos_runtime

logger = logging.getLogger(__name__)

PACK_SUFFIX = ".argosmodel"
PIVOT_LANGUAGE = "en"
DOWNLOAD_TIMEOUT_SECONDS = 60
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


class PackError(Exception):
    """A pack could not be installed, found or removed; the message says why, in one line."""


class PackFileMissingError(PackError):
    """The named .argosmodel file or folder does not exist."""


class InvalidPackError(PackError):
    """The file is not a usable pack (not a zip, corrupt, or missing a required part)."""


class UnknownLanguageError(PackError):
    """The package index has no pack between this language and English."""


class IndexUnavailableError(PackError):
    """The package index could not be read (no network, or a wrong mirror address)."""


@dataclass(frozen=True)
class InstalledPack:
    """An installed pack, as described by its metadata.json."""

    from_code: str
    to_code: str
    version: str
    path: Path
    from_name: str = ""
    to_name: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        """The (from, to) language codes."""
        return self.from_code, self.to_code


def installed(packages_dir: Path | None = None) -> list[InstalledPack]:
    """Return the installed packs, sorted by language pair; unreadable folders are skipped."""
    folder = packages_dir or argos_runtime.packages_dir()
    if not folder.is_dir():
        return []
    packs = []
    for path in sorted(folder.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            packs.append(_installed_pack(path, _read_metadata(path / "metadata.json")))
        except (OSError, InvalidPackError) as error:
            logger.warning("Skipping %s: %s", path, error)
    return sorted(packs, key=lambda pack: pack.pair)


def find(from_code: str, to_code: str, packages_dir: Path | None = None) -> InstalledPack | None:
    """Return the installed pack for a language pair, or None."""
    return next((p for p in installed(packages_dir) if p.pair == (from_code, to_code)), None)


def install(target: str, packages_dir: Path | None = None) -> list[InstalledPack]:
    """Install from a .argosmodel file, a folder of them, or a language code via the index.

    Raises:
        PackError: The target cannot be installed; nothing was changed.
    """
    path = Path(target).expanduser()
    if path.is_dir():
        return install_folder(path, packages_dir)
    if path.exists() or target.endswith(PACK_SUFFIX) or not _LANGUAGE_CODE.match(target):
        return [install_file(path, packages_dir)]
    return install_language(target, packages_dir)


def install_file(path: Path, packages_dir: Path | None = None) -> InstalledPack:
    """Install one .argosmodel file, replacing any installed pack for the same pair.

    Raises:
        PackError: The file is missing or not a valid pack, which then has no MiniSBD model
            (neither inside nor in :func:`argos_runtime.splitter_cache_dir`).
    """
    return _install(path, packages_dir or argos_runtime.packages_dir(), download_splitter=False)


def install_folder(folder: Path, packages_dir: Path | None = None) -> list[InstalledPack]:
    """Install every .argosmodel file in a folder; all are checked before any is installed.

    Raises:
        PackError: The folder is missing, has no packs, or one of them is invalid.
    """
    if not folder.is_dir():
        raise PackFileMissingError(f"no such folder: {folder}")
    files = sorted(folder.glob(f"*{PACK_SUFFIX}"))
    if not files:
        raise PackFileMissingError(f"no {PACK_SUFFIX} files in {folder}")
    for file in files:
        _check_archive(file)
    return [install_file(file, packages_dir) for file in files]


def install_language(
    code: str, packages_dir: Path | None = None, index: str | None = None
) -> list[InstalledPack]:
    """Download and install every index pack between a language and English (both directions).

    Args:
        code: The language code, e.g. ``pl``.
        packages_dir: Where to install; the runtime's packages folder by default.
        index: The index URL; :func:`argos_runtime.index_url` by default.

    Raises:
        IndexUnavailableError: The index cannot be read.
        UnknownLanguageError: The index has no pack between ``code`` and English.
        PackError: A download failed or a downloaded pack is invalid.
    """
    index = index or argos_runtime.index_url()
    if code == PIVOT_LANGUAGE:
        raise UnknownLanguageError("English needs no pack: name the other language")
    wanted = {(code, PIVOT_LANGUAGE), (PIVOT_LANGUAGE, code)}
    entries = [
        entry
        for entry in _read_index(index)
        if entry.get("type", "translate") == "translate"
        and (entry.get("from_code"), entry.get("to_code")) in wanted
    ]
    if not entries:
        raise UnknownLanguageError(f"the index {index} has no pack between '{code}' and English")
    target = packages_dir or argos_runtime.packages_dir()
    target.mkdir(parents=True, exist_ok=True)
    installed_packs = []
    with tempfile.TemporaryDirectory(dir=target, prefix=".download-") as downloads:
        for entry in entries:
            name = f"{entry['from_code']}_{entry['to_code']}{PACK_SUFFIX}"
            file = Path(downloads) / name
            _download_first([urljoin(index, link) for link in entry.get("links", [])], file)
            installed_packs.append(_install(file, target, download_splitter=True, index=index))
    return installed_packs


def remove(from_code: str, to_code: str, packages_dir: Path | None = None) -> InstalledPack:
    """Remove the installed pack for a language pair.

    Raises:
        PackError: No pack is installed for the pair.
    """
    pack = find(from_code, to_code, packages_dir)
    if pack is None:
        raise PackError(f"no pack is installed for {from_code} -> {to_code}")
    shutil.rmtree(pack.path)
    return pack


def _install(
    archive: Path, packages_dir: Path, *, download_splitter: bool, index: str = ""
) -> InstalledPack:
    root = _check_archive(archive)
    packages_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=packages_dir, prefix=".staging-") as staging:
        try:
            with zipfile.ZipFile(archive) as pack_zip:
                pack_zip.extractall(staging)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
            raise InvalidPackError(f"cannot extract {archive}: {error}") from error
        staged = Path(staging) / root
        metadata = _read_metadata(staged / "metadata.json")
        _check_contents(staged, archive)
        _add_splitter(staged, metadata["from_code"], archive, download_splitter, index)
        destination = packages_dir / f"translate-{metadata['from_code']}_{metadata['to_code']}"
        for old in installed(packages_dir):
            if old.pair == (metadata["from_code"], metadata["to_code"]):
                shutil.rmtree(old.path)
        if destination.exists():  # a broken leftover under the name this pair's pack takes
            shutil.rmtree(destination)
        staged.rename(destination)
    logger.info("Installed pack %s -> %s", metadata["from_code"], metadata["to_code"])
    return _installed_pack(destination, metadata)


def _check_archive(archive: Path) -> str:
    """Check a .argosmodel without extracting it and return its top-level folder's name."""
    if not archive.is_file():
        raise PackFileMissingError(f"no such pack file: {archive}")
    if not zipfile.is_zipfile(archive):
        raise InvalidPackError(f"{archive} is not a valid {PACK_SUFFIX} (not a zip archive)")
    try:
        with zipfile.ZipFile(archive) as pack_zip:
            names = pack_zip.namelist()
            damaged = pack_zip.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as error:
        raise InvalidPackError(f"{archive} is a corrupt zip archive: {error}") from error
    if damaged is not None:
        raise InvalidPackError(f"{archive} is corrupt ({damaged} fails its checksum)")
    parts = [PurePosixPath(name).parts for name in names]
    if any(not p or p[0] in ("", "/") or ".." in p or ":" in p[0] for p in parts):
        raise InvalidPackError(f"{archive} has file names outside its pack folder")
    roots = {p[0] for p in parts}
    if len(roots) != 1 or not any(p[1:] == ("metadata.json",) for p in parts):
        raise InvalidPackError(f"{archive} has no metadata.json in a single pack folder")
    return roots.pop()


def _read_metadata(path: Path) -> dict:
    if not path.is_file():
        raise InvalidPackError(f"no metadata.json in {path.parent}")
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidPackError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(metadata, dict) or not all(
        isinstance(metadata.get(key), str) and metadata[key] for key in ("from_code", "to_code")
    ):
        raise InvalidPackError(f"{path} does not name from_code and to_code")
    if metadata.get("type", "translate") != "translate":
        raise InvalidPackError(f"{path} describes a '{metadata['type']}' pack, not a translation")
    return metadata


def _check_contents(staged: Path, archive: Path) -> None:
    if not (staged / "model" / "model.bin").is_file():
        raise InvalidPackError(f"{archive} has no CTranslate2 model (model/model.bin)")
    if not any((staged / name).is_file() for name in ("sentencepiece.model", "bpe.model")):
        raise InvalidPackError(f"{archive} has no tokenizer (sentencepiece.model or bpe.model)")


def _add_splitter(staged: Path, language: str, archive: Path, download: bool, index: str) -> None:
    """Make sure the pack carries a MiniSBD model, so that translating never downloads one."""
    if argos_runtime.pack_splitter_models(staged):
        return
    file_name, release_url = argos_runtime.splitter_model_name(language)
    destination = staged / argos_runtime.SPLITTER_FOLDER / file_name
    destination.parent.mkdir(exist_ok=True)
    cached = argos_runtime.splitter_cache_dir() / file_name
    if cached.is_file():
        shutil.copyfile(cached, destination)
    elif download:
        mirror_url = urljoin(index, f"{argos_runtime.SPLITTER_FOLDER}/{file_name}")
        _download_first([mirror_url, release_url], destination)
    else:
        raise InvalidPackError(
            f"{archive} has no MiniSBD sentence splitter ({argos_runtime.SPLITTER_FOLDER}/*.onnx)"
            f" and {cached} does not exist: add one, or install by language code"
        )


def _read_index(index: str) -> list[dict]:
    try:
        with urllib.request.urlopen(index, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            entries = json.load(response)
    except (OSError, ValueError) as error:
        raise IndexUnavailableError(f"cannot read the package index {index}: {error}") from error
    if not isinstance(entries, list):
        raise IndexUnavailableError(f"the package index {index} is not a list of packs")
    return [entry for entry in entries if isinstance(entry, dict)]


def _download_first(urls: list[str], destination: Path) -> None:
    """Download the first of ``urls`` that works to ``destination``."""
    errors = []
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                with destination.open("wb") as file:
                    shutil.copyfileobj(response, file)
            return
        except (OSError, ValueError) as error:
            errors.append(f"{url}: {error}")
    raise PackError(f"download failed for {destination.name}: {'; '.join(errors) or 'no links'}")


def _installed_pack(path: Path, metadata: dict) -> InstalledPack:
    return InstalledPack(
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=str(metadata.get("package_version", "")),
        path=path,
        from_name=str(metadata.get("from_name", "")),
        to_name=str(metadata.get("to_name", "")),
    )
