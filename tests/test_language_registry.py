"""The registry of supported languages: the project's file, look-ups and validation."""

import dataclasses
from pathlib import Path

import pytest

from assistant.language import Language, Registry, default_registry, load_languages
from assistant.language.registry import LANGUAGES_FILE

TIER1 = ("en", "ur", "pa", "bn", "ar", "pl", "ro", "so", "zh")
TIER2 = ("fr", "es", "pt", "it", "de", "tr", "fa", "uk", "ru", "hi")

GOOD_ENTRY = (
    "  - {code: xx, name: Example, endonym: Exemplum, script: Latin, direction: ltr, "
    "argos: null, tier: 2}\n"
)


def write_registry(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "languages.yml"
    path.write_text("languages:\n" + "".join(entries), encoding="utf-8")
    return path


def entry(**fields: object) -> str:
    values = {
        "code": "xx",
        "name": "Example",
        "endonym": "Exemplum",
        "script": "Latin",
        "direction": "ltr",
        "argos": "null",
        "tier": 2,
    }
    values.update(fields)
    body = ", ".join(f"{key}: {value}" for key, value in values.items() if value is not ...)
    return f"  - {{{body}}}\n"


def test_the_project_registry_lists_every_supported_language():
    registry = load_languages(LANGUAGES_FILE)
    assert registry.codes == TIER1 + TIER2
    assert tuple(lang.code for lang in registry.tier1) == TIER1
    assert len(registry) == len(TIER1) + len(TIER2)


def test_the_project_registry_is_loaded_once():
    assert default_registry() is default_registry()
    assert default_registry() == load_languages(LANGUAGES_FILE)


def test_languages_carry_their_registry_fields():
    registry = default_registry()
    assert registry["ur"] == Language(
        code="ur",
        name="Urdu",
        endonym="اردو",
        script="Arabic",
        direction="rtl",
        argos="ur",
        tier=1,
    )
    assert registry["pa"].argos is None
    assert registry["zh"].script == "Han"
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry["en"].tier = 2  # type: ignore[misc]


def test_right_to_left_languages_are_the_arabic_script_ones():
    registry = default_registry()
    assert {lang.code for lang in registry if lang.direction == "rtl"} == {
        lang.code for lang in registry.with_script("Arabic")
    }


def test_look_ups():
    registry = default_registry()
    assert "so" in registry and "xx" not in registry
    assert registry.get("bn") is registry["bn"]
    assert registry.get("xx") is None and registry.get(None) is None
    with pytest.raises(KeyError):
        registry["xx"]
    assert [lang.code for lang in registry.with_script("Arabic")] == ["ur", "ar", "fa"]
    assert [lang.code for lang in registry.with_script("Cyrillic")] == ["uk", "ru"]
    assert registry.with_script("Klingon") == ()
    assert [lang.code for lang in registry] == list(registry.codes)


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("ur", "ur"),
        ("UR", "ur"),
        (" pl ", "pl"),
        ("en-GB", "en"),
        ("zh-CN", "zh"),
        ("zh_Hans", "zh"),
        ("pa-Guru-IN", "pa"),
        ("xx", None),
        ("english", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_language_tags_resolve_to_supported_codes(tag, code):
    assert default_registry().resolve(tag) == code


def test_a_valid_file_loads(tmp_path):
    registry = load_languages(write_registry(tmp_path, GOOD_ENTRY, entry(code="yy", tier=1)))
    assert isinstance(registry, Registry)
    assert registry.codes == ("xx", "yy")
    assert registry["xx"].argos is None and registry["yy"].tier == 1


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ((GOOD_ENTRY, GOOD_ENTRY), "language 'xx' is listed more than once"),
        ((entry(direction="up"),), "language 'xx': 'direction' must be 'ltr' or 'rtl'"),
        ((entry(direction="RTL"),), "language 'xx': 'direction'"),
        ((entry(tier=3),), "language 'xx': 'tier' must be 1 or 2"),
        ((entry(tier="'1'"),), "language 'xx': 'tier'"),
        ((entry(tier="true"),), "language 'xx': 'tier'"),
        ((entry(tier=...),), "language 'xx': 'tier'"),
        ((entry(name=...),), "language 'xx': 'name' must be a non-empty string"),
        ((entry(endonym="''"),), "language 'xx': 'endonym'"),
        ((entry(script="[Latin]"),), "language 'xx': 'script'"),
        ((entry(argos="''"),), "language 'xx': 'argos'"),
        ((entry(code="EN"),), "language #1: 'code' must be a 2- or 3-letter lower-case code"),
        ((GOOD_ENTRY, entry(code="english")), "language #2: 'code'"),
        ((entry(code=...),), "language #1: 'code'"),
        (("  - just a string\n",), "language #1: expected a mapping"),
    ],
)
def test_invalid_registries_are_rejected_naming_the_language(tmp_path, entries, message):
    with pytest.raises(ValueError, match=message):
        load_languages(write_registry(tmp_path, *entries))


@pytest.mark.parametrize("text", ["", "languages: []\n", "languages: en\n", "- en\n"])
def test_a_registry_needs_a_list_of_languages(tmp_path, text):
    path = tmp_path / "languages.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty 'languages' list"):
        load_languages(path)
