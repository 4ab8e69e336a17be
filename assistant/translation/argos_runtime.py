"""The one place that imports Argos Translate, configured so that it stays inside the project.

Argos Translate 1.11 configures itself when ``argostranslate.settings`` is first imported: it
reads ``ARGOS_*`` environment variables, a ``settings.json`` under ``$XDG_CONFIG_HOME``, and
creates its data, config and cache folders under the user's home. :func:`load` therefore imports
it with a temporary environment that points all of those at :func:`argos_dir` (default
``var/argos``, or ``$BSOL_ARGOS_DIR``), forces the MiniSBD sentence splitter and the local
OpenNMT model provider, then puts the environment back. :func:`load` re-applies the folders to
the imported settings on every call, so a changed ``BSOL_ARGOS_DIR`` (as in tests) takes effect.

Layout of the Argos folder::

    <argos dir>/packages/<pack>/   installed packs: metadata.json, model/, sentencepiece.model,
                                   minisbd/<lang>.onnx
    <argos dir>/data/argos-translate/minisbd/   MiniSBD models that packs can be completed from
    <argos dir>/config/, <argos dir>/cache/     Argos's own config and download cache

Nothing here downloads anything: a pack is usable only if it carries its MiniSBD model.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

from assistant.paths import VAR_DIR

ARGOS_DIR_ENV = "BSOL_ARGOS_DIR"
INDEX_ENV = "BSOL_ARGOS_INDEX"
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
SPLITTER_FOLDER = "minisbd"

_lock = threading.Lock()
_argos: Argos | None = None


class StanzaUnavailableError(ImportError):
    """Raised when anything actually uses Stanza, which this project does not install."""


@dataclass(frozen=True)
class Argos:
    """The imported Argos Translate modules the project uses."""

    settings: ModuleType
    package: ModuleType
    sbd: ModuleType
    translate: ModuleType


def argos_dir() -> Path:
    """Return the folder that holds everything Argos Translate stores (read from the env)."""
    return Path(os.environ.get(ARGOS_DIR_ENV) or VAR_DIR / "argos")


def packages_dir() -> Path:
    """Return the folder installed packs live in."""
    return argos_dir() / "packages"


def splitter_cache_dir() -> Path:
    """Return the folder of MiniSBD models (``<code>.onnx``) that packs can be completed from."""
    return argos_dir() / "data" / "argos-translate" / SPLITTER_FOLDER


def index_url() -> str:
    """Return the URL of the package index (``$BSOL_ARGOS_INDEX``, or Argos's own index).

    The variable may name an index file or its folder, as a URL (http, https, file) or a path,
    so a local mirror can be a plain folder with ``index.json`` and the packs beside it.
    """
    value = os.environ.get(INDEX_ENV) or DEFAULT_INDEX
    if "://" not in value:
        path = Path(value).expanduser().resolve()
        value = path.as_uri() + ("/" if path.is_dir() else "")
    if not value.endswith(".json"):
        value = value.rstrip("/") + "/index.json"
    return value


def pack_splitter_models(pack_dir: Path) -> list[Path]:
    """Return the MiniSBD models a pack carries (``<pack>/minisbd/*.onnx``)."""
    folder = pack_dir / SPLITTER_FOLDER
    return sorted(folder.glob("*.onnx")) if folder.is_dir() else []


def load() -> Argos:
    """Import Argos Translate once (configured, without Stanza) and apply the current folders.

    Returns:
        The Argos modules, their settings pointing at :func:`argos_dir`.
    """
    global _argos
    with _lock:
        if _argos is None:
            _argos = _import_argos()
        _apply_settings(_argos)
        return _argos


def load_translation(pack_dir: Path) -> Callable[[str], str]:
    """Return a function that translates text with the installed pack in ``pack_dir``.

    The pack's model and sentence splitter are loaded lazily by Argos, on the first call.

    Raises:
        FileNotFoundError: The pack has no metadata.json or no MiniSBD model: without one Argos
            would download a sentence splitter at the first translation.
    """
    if not pack_splitter_models(pack_dir):
        raise FileNotFoundError(f"pack {pack_dir} has no {SPLITTER_FOLDER}/*.onnx model")
    argos = load()
    pack = argos.package.Package(pack_dir)
    source = argos.translate.Language(pack.from_code, pack.from_name)
    target = argos.translate.Language(pack.to_code, pack.to_name)
    return argos.translate.PackageTranslation(source, target, pack).translate


def splitter_model_name(language: str) -> tuple[str, str]:
    """Return the MiniSBD model file name for a language, and the URL MiniSBD publishes it at.

    Uses Argos's own mapping (e.g. ``zt`` to ``zh-hant``) and, like Argos, falls back to English
    for languages MiniSBD has no model for.
    """
    argos = load()
    models = argos.sbd.minisbd_models
    name = argos.sbd.MiniSBDSentencizer.LANGUAGE_CODE_MAPPING.get(language, language)
    file_name = models.MODELS.get(name) or models.MODELS["en"]
    return file_name, urljoin(models.REPO_URL, file_name)


def _argos_environment() -> dict[str, str]:
    root = argos_dir().resolve()
    return {
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "ARGOS_PACKAGES_DIR": str(root / "packages"),
        "ARGOS_PACKAGE_INDEX": index_url().rsplit("/", 1)[0] + "/",
        # Argos's default (ARGOSTRANSLATE) picks Stanza for packs that carry a stanza/ folder.
        "ARGOS_CHUNK_TYPE": "MINISBD",
        "ARGOS_MODEL_PROVIDER": "OPENNMT",
    }


@contextmanager
def _temporary_environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _stanza_stub() -> ModuleType:
    """Return a stand-in ``stanza`` module for argostranslate.sbd's top-level ``import stanza``.

    Argos 1.11 imports Stanza unconditionally but only uses it for ``ChunkType.STANZA`` or packs
    with a stanza/ folder under the default chunk type; with ``ARGOS_CHUNK_TYPE=MINISBD`` it is
    never called. Installing Stanza would pull torch and CUDA libraries (several GB) for nothing,
    and even where it is installed importing it costs seconds, so the stub is used either way.
    Any real use raises :class:`StanzaUnavailableError` instead of failing obscurely.
    """
    stub = ModuleType("stanza", "Stand-in: Stanza is not used by this project.")

    def __getattr__(name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise StanzaUnavailableError(
            f"stanza.{name} was used, but Stanza is not installed: sentence splitting is "
            "configured to use MiniSBD (ARGOS_CHUNK_TYPE=MINISBD)"
        )

    stub.__getattr__ = __getattr__  # type: ignore[method-assign]
    return stub


def _import_argos() -> Argos:
    """Import Argos with the project's environment, a Stanza stub and, if not loaded, no spaCy.

    argostranslate.sbd also tries ``import spacy`` (used only for ``ChunkType.SPACY``), which
    costs seconds (spaCy imports thinc, which imports TensorFlow). Unless spaCy is already loaded,
    a ``None`` entry in ``sys.modules`` makes that import fail fast, and Argos sets it to None.
    Both stand-ins are removed afterwards: argostranslate.sbd keeps its own references, and
    nothing else in the process sees them.
    """
    stand_ins: dict[str, ModuleType | None] = {}
    if "stanza" not in sys.modules:
        stand_ins["stanza"] = _stanza_stub()
    if "spacy" not in sys.modules:
        stand_ins["spacy"] = None
    sys.modules.update(stand_ins)  # type: ignore[arg-type]  # None makes `import` fail fast
    try:
        with _temporary_environment(_argos_environment()):
            modules = {
                name: importlib.import_module(f"argostranslate.{name}")
                for name in ("settings", "package", "sbd", "translate")
            }
    finally:
        for name, stand_in in stand_ins.items():
            if name in sys.modules and sys.modules[name] is stand_in:
                del sys.modules[name]
    settings = modules["settings"]
    # Argos logs every sentence it translates at INFO level: residents' messages stay out of logs.
    if not settings.debug:
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    return Argos(**modules)


def _apply_settings(argos: Argos) -> None:
    root = argos_dir().resolve()
    settings: Any = argos.settings  # argostranslate's module of settings, set at run time
    settings.data_dir = root / "data" / "argos-translate"
    settings.config_dir = root / "config" / "argos-translate"
    settings.cache_dir = root / "cache" / "argos-translate"
    settings.downloads_dir = settings.cache_dir / "downloads"
    settings.settings_file = settings.config_dir / "settings.json"
    settings.local_package_index = settings.data_dir / "index.json"
    settings.package_data_dir = root / "packages"
    settings.package_dirs = [settings.package_data_dir]
    settings.package_index = index_url().rsplit("/", 1)[0] + "/"
    settings.remote_package_index = index_url()
    settings.chunk_type = settings.ChunkType.MINISBD
    settings.model_provider = settings.ModelProvider.OPENNMT
    argos.sbd.minisbd_models.cache_dir = str(splitter_cache_dir().resolve())
