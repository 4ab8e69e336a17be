"""Machine translation with installed packs: exact output, cache, pivot, budget, no network."""

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.translation import argos_runtime, packs
from assistant.translation.machine import MachineTranslator
from tests.argos_pack_builder import block_network, build_pack

GENEROUS = 60.0  # seconds: the first translation loads the model, however slow the machine


def translate(translator: MachineTranslator, text: str, source: str, target: str) -> str | None:
    return asyncio.run(translator.translate_async(text, source, target))



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


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold every translation in the worker thread until the test sets the returned event."""
    opened = threading.Event()
    load = argos_runtime.load_translation

    def held(pack_dir: Path) -> Callable[[str], str]:
        translation = load(pack_dir)

        def translate_when_open(text: str) -> str:
            opened.wait(timeout=GENEROUS)
            return translation(text)

        return translate_when_open

    monkeypatch.setattr(argos_runtime, "load_translation", held)
    yield opened
    opened.set()  # before the translator's fixture waits for its worker


def test_translates_with_the_installed_pack(translator: MachineTranslator) -> None:
    assert translator.has_pack("en", "cy")
    result = translate(translator, "Hello world. How are you today?", "en", "cy")
    assert result == "Shwmae byd. How are you today?"
    assert translate(translator, "Hello!\nHello world?", "en", "cy") == "Shwmae!\nShwmae byd?"


def test_the_same_text_is_translated_once(translator: MachineTranslator) -> None:
    first = translate(translator, "Hello world.", "en", "cy")
    assert translator.model_runs == 1
    assert translate(translator, "Hello world.", "en", "cy") == first == "Shwmae byd."
    assert translator.model_runs == 1
    translate(translator, "Hello there.", "en", "cy")
    assert translator.model_runs == 2


def test_the_cache_forgets_the_least_recently_used(argos_dir: Path) -> None:
    translator = MachineTranslator(budget_seconds=GENEROUS, cache_size=1)
    for text in ("Hello.", "world.", "Hello."):
        translate(translator, text, "en", "cy")
    translator.close()
    assert translator.model_runs == 3


def test_pivots_through_english(translator: MachineTranslator) -> None:
    assert not translator.has_pack("pl", "cy")
    assert translator.can_translate("pl", "cy")
    assert translate(translator, "Witaj world.", "pl", "cy") == "Shwmae byd."
    assert translator.model_runs == 2
    assert not translator.can_translate("cy", "pl")


def test_gives_up_after_the_time_budget_and_caches_the_late_result(argos_dir: Path) -> None:
    translator = MachineTranslator(budget_seconds=1e-6)
    assert translate(translator, "Hello world.", "en", "cy") is None
    translator.close()  # waits for the translation still running
    assert translate(translator, "Hello world.", "en", "cy") == "Shwmae byd."
    assert translator.model_runs == 1


def test_the_event_loop_goes_on_while_a_translation_runs(
    translator: MachineTranslator, gate: threading.Event
) -> None:
    async def scenario() -> tuple[int, str | None]:
        running = asyncio.create_task(translator.translate_async("Hello world.", "en", "cy"))
        other_conversation_steps = 0
        for _ in range(100):
            await asyncio.sleep(0)
            assert not running.done()  # held in the worker thread, yet the loop runs
            other_conversation_steps += 1
        gate.set()
        return other_conversation_steps, await running

    assert asyncio.run(scenario()) == (100, "Shwmae byd.")


def test_a_call_can_have_its_own_budget(
    translator: MachineTranslator, gate: threading.Event
) -> None:
    late = translator.translate_async("Hello world.", "en", "cy", budget_seconds=1e-3)
    assert asyncio.run(late) is None


def test_translations_over_budget_finish_and_fill_the_cache(
    argos_dir: Path, gate: threading.Event
) -> None:
    translator = MachineTranslator(budget_seconds=1e-3)

    async def reply() -> list[str | None]:
        texts = ("Hello.", "world.", "Hello world.")
        return await asyncio.gather(*(translator.translate_async(t, "en", "cy") for t in texts))

    assert asyncio.run(reply()) == [None, None, None]
    gate.set()
    translator.close()  # waits for the three translations, queued ones included
    assert asyncio.run(reply()) == ["Shwmae.", "byd.", "Shwmae byd."]
    assert translator.model_runs == 3


def test_default_budget_after_warm_up(argos_dir: Path) -> None:
    translator = MachineTranslator()
    translator.warm_up()
    assert translator.budget_seconds == 1.5
    assert translate(translator, "Hello world.", "en", "cy") == "Shwmae byd."
    translator.close()


def test_no_pack_same_language_and_blank_text(translator: MachineTranslator) -> None:
    assert translate(translator, "Hello", "en", "fr") is None
    assert not translator.has_pack("en", "fr") and not translator.can_translate("en", "fr")
    assert translate(translator, "Hello", "en", "en") == "Hello"
    assert translate(translator, "  ", "en", "cy") == "  "
    assert translator.model_runs == 0


def test_translation_errors_are_logged_not_raised(
    translator: MachineTranslator, argos_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (argos_dir / "packages" / "translate-en_cy" / "model" / "model.bin").write_bytes(b"broken")
    with caplog.at_level(logging.ERROR, logger="assistant.translation.machine"):
        assert translate(translator, "Hello world.", "en", "cy") is None
    assert "Translation en -> cy of 12 characters failed" in caplog.text
    assert "Hello world" not in caplog.text


def test_a_pack_without_its_splitter_is_not_used(
    translator: MachineTranslator, argos_dir: Path
) -> None:
    for model in argos_runtime.pack_splitter_models(argos_dir / "packages" / "translate-en_cy"):
        model.unlink()
    assert translate(translator, "Hello world.", "en", "cy") is None


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
