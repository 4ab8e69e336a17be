"""Machine translation with installed packs: exact output, cache, pivot, budget, no network."""

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.translation import argos_runtime, packs
from assistant.translation.machine import MachineTranslator
from tests.argos_pack_builder import block_network, build_pack

GENEROUS = 60.0  # seconds: the first translation loads the model, however slow the machine


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    attempts = block_network(monkeypatch)
    yield
    assert not attempts, f"the network was used: {attempts}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("packs")
    return [
        build_pack(folder, "en", "cy", {"Hello": "Shwmae", "world": "byd"}),
        build_pack(folder, "pl", "en", {"Witaj": "Hello"}),
    ]


@pytest.fixture
def argos_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: list[Path]) -> Path:
    folder = tmp_path / "argos"
    monkeypatch.setenv(argos_runtime.ARGOS_DIR_ENV, str(folder))
    for pack_file in built:
        packs.install_file(pack_file)
    return folder


@pytest.fixture
def translator(argos_dir: Path) -> Iterator[MachineTranslator]:
    machine = MachineTranslator(budget_seconds=GENEROUS)
    yield machine
    machine.close()


def test_translates_with_the_installed_pack(translator: MachineTranslator) -> None:
    assert translator.has_pack("en", "cy")
    result = translator.translate("Hello world. How are you today?", "en", "cy")
    assert result == "Shwmae byd. How are you today?"
    assert translator.translate("Hello!\nHello world?", "en", "cy") == "Shwmae!\nShwmae byd?"


def test_the_same_text_is_translated_once(translator: MachineTranslator) -> None:
    first = translator.translate("Hello world.", "en", "cy")
    assert translator.model_runs == 1
    assert translator.translate("Hello world.", "en", "cy") == first == "Shwmae byd."
    assert translator.model_runs == 1
    translator.translate("Hello there.", "en", "cy")
    assert translator.model_runs == 2


def test_the_cache_forgets_the_least_recently_used(argos_dir: Path) -> None:
    translator = MachineTranslator(budget_seconds=GENEROUS, cache_size=1)
    for text in ("Hello.", "world.", "Hello."):
        translator.translate(text, "en", "cy")
    translator.close()
    assert translator.model_runs == 3


def test_pivots_through_english(translator: MachineTranslator) -> None:
    assert not translator.has_pack("pl", "cy")
    assert translator.can_translate("pl", "cy")
    assert translator.translate("Witaj world.", "pl", "cy") == "Shwmae byd."
    assert translator.model_runs == 2
    assert not translator.can_translate("cy", "pl")


def test_gives_up_after_the_time_budget_and_caches_the_late_result(argos_dir: Path) -> None:
    translator = MachineTranslator(budget_seconds=1e-6)
    assert translator.translate("Hello world.", "en", "cy") is None
    translator.close()  # waits for the translation still running
    assert translator.translate("Hello world.", "en", "cy") == "Shwmae byd."
    assert translator.model_runs == 1


def test_default_budget_after_warm_up(argos_dir: Path) -> None:
    translator = MachineTranslator()
    translator.warm_up()
    assert translator.budget_seconds == 1.5
    assert translator.translate("Hello world.", "en", "cy") == "Shwmae byd."
    translator.close()


def test_no_pack_same_language_and_blank_text(translator: MachineTranslator) -> None:
    assert translator.translate("Hello", "en", "fr") is None
    assert not translator.has_pack("en", "fr") and not translator.can_translate("en", "fr")
    assert translator.translate("Hello", "en", "en") == "Hello"
    assert translator.translate("  ", "en", "cy") == "  "
    assert translator.model_runs == 0


def test_translation_errors_are_logged_not_raised(
    translator: MachineTranslator, argos_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (argos_dir / "packages" / "translate-en_cy" / "model" / "model.bin").write_bytes(b"broken")
    with caplog.at_level(logging.ERROR, logger="assistant.translation.machine"):
        assert translator.translate("Hello world.", "en", "cy") is None
    assert "Translation en -> cy of 12 characters failed" in caplog.text
    assert "Hello world" not in caplog.text


def test_a_pack_without_its_splitter_is_not_used(
    translator: MachineTranslator, argos_dir: Path
) -> None:
    for model in argos_runtime.pack_splitter_models(argos_dir / "packages" / "translate-en_cy"):
        model.unlink()
    assert translator.translate("Hello world.", "en", "cy") is None


def test_argos_stays_in_the_project_without_stanza(argos_dir: Path) -> None:
    argos = argos_runtime.load()
    settings = argos.settings
    folders = [
        settings.data_dir,
        settings.config_dir,
        settings.cache_dir,
        settings.downloads_dir,
        settings.package_data_dir,
        Path(argos.sbd.minisbd_models.cache_dir),
    ]
    assert all(folder.is_relative_to(argos_dir.resolve()) for folder in folders), folders
    assert settings.chunk_type is settings.ChunkType.MINISBD
    assert "stanza" not in sys.modules
    with pytest.raises(argos_runtime.StanzaUnavailableError, match="MiniSBD"):
        argos.sbd.stanza.Pipeline  # noqa: B018
    assert "ARGOS_CHUNK_TYPE" not in os.environ  # the import's environment was put back
