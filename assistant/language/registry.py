"""The registry of supported languages, read and validated from ``data/languages.yml``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.paths import DATA_DIR

LANGUAGES_FILE = DATA_DIR / "languages.yml"
DIRECTIONS = ("ltr", "rtl")
TIERS = (1, 2)

_CODE = re.compile(r"[a-z]{2,3}")
_TEXT_FIELDS = ("name", "endonym", "script")


@dataclass(frozen=True)
class Language:
    """One supported language.

    Attributes:
        code: ISO 639-1 code (``ur``), the key used everywhere else.
        name: English name (``Urdu``).
        endonym: The language's name for itself (``اردو``).
        script: The script it is written in (``Arabic``, ``Latin``, ``Gurmukhi``, ...).
        direction: ``ltr`` or ``rtl``.
        argos: The argos pack code, or None when argos has no pack for it.
        tier: 1 (curated translations) or 2 (machine translation).
    """

    code: str
    name: str
    endonym: str
    script: str
    direction: str
    argos: str | None
    tier: int


@dataclass(frozen=True)
class Registry:
    """The supported languages, in the order the registry file lists them.

    Attributes:
        languages: Every supported language.
    """

    languages: tuple[Language, ...]
    _by_code: dict[str, Language] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {lang.code: lang for lang in self.languages})

    def __iter__(self) -> Iterator[Language]:
        return iter(self.languages)

    def __len__(self) -> int:
        return len(self.languages)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Language:
        return self._by_code[code]

    def get(self, code: str | None) -> Language | None:
        """Return the language with this exact code, or None."""
        return self._by_code.get(code) if code else None

    @property
    def codes(self) -> tuple[str, ...]:
        """The supported codes, in registry order."""
        return tuple(self._by_code)

    @property
    def tier1(self) -> tuple[Language, ...]:
        """The Tier-1 languages (curated translations), in registry order."""
        return tuple(lang for lang in self.languages if lang.tier == 1)

    def with_script(self, script: str) -> tuple[Language, ...]:
        """The languages written in ``script``, in registry order."""
        return tuple(lang for lang in self.languages if lang.script == script)

    def resolve(self, tag: str | None) -> str | None:
        """Return the supported code a language tag stands for, or None.

        Case, surrounding space and region or script subtags are ignored: ``"UR"``,
        ``"en-GB"`` and ``"zh_Hans"`` resolve to ``ur``, ``en`` and ``zh``.
        """
        if not isinstance(tag, str):
            return None
        code = tag.strip().lower().replace("_", "-").split("-", 1)[0]
        return code if code in self._by_code else None


def load_languages(path: Path = LANGUAGES_FILE) -> Registry:
    """Read and validate a registry file.

    Args:
        path: A YAML file with a ``languages`` list of mappings (code, name, endonym, script,
            direction, argos, tier).

    Returns:
        The registry.

    Raises:
        ValueError: If the file has no languages, a code is missing, malformed or repeated, or
            a language's fields are invalid; the message names the file and the code.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected a non-empty 'languages' list")
    languages: list[Language] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        language = _language(entry, path, position)
        if language.code in seen:
            raise ValueError(f"{path}: language '{language.code}' is listed more than once")
        seen.add(language.code)
        languages.append(language)
    return Registry(languages=tuple(languages))


def _language(entry: object, path: Path, position: int) -> Language:
    """Build the registry's ``position``-th language, or raise ValueError naming it."""
    if not isinstance(entry, dict):
        raise ValueError(f"{path}: language #{position}: expected a mapping")
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise ValueError(
            f"{path}: language #{position}: 'code' must be a 2- or 3-letter lower-case code, "
            f"not {code!r}"
        )
    where = f"{path}: language '{code}'"
    for name in _TEXT_FIELDS:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: '{name}' must be a non-empty string, not {value!r}")
    direction = entry.get("direction")
    if direction not in DIRECTIONS:
        raise ValueError(f"{where}: 'direction' must be 'ltr' or 'rtl', not {direction!r}")
    tier = entry.get("tier")
    if isinstance(tier, bool) or tier not in TIERS:
        raise ValueError(f"{where}: 'tier' must be 1 or 2, not {tier!r}")
    argos = entry.get("argos")
    if argos is not None and (not isinstance(argos, str) or not argos.strip()):
        raise ValueError(f"{where}: 'argos' must be a pack code or null, not {argos!r}")
    return Language(
        code=code,
        name=entry["name"].strip(),
        endonym=entry["endonym"].strip(),
        script=entry["script"].strip(),
        direction=direction,
        argos=argos,
        tier=tier,
    )


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """Load the project's registry (``data/languages.yml``) on first use and keep it."""
    return load_languages(LANGUAGES_FILE)
