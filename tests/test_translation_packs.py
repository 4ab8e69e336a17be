"""Installing, listing and removing translation packs, through the `packs` command, offline."""

import argparse
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.translation import argos_runtime, packs
from assistant.translation.cli import add_packs_parser, run_packs
from tests.argos_pack_builder import block_network, build_pack


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    attempts = block_network(monkeypatch)
    yield
    assert not attempts, f"the network was used: {attempts}"


@pytest.fixture
def argos_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "argos"
    monkeypatch.setenv(argos_runtime.ARGOS_DIR_ENV, str(folder))
    monkeypatch.delenv(argos_runtime.INDEX_ENV, raising=False)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("packs")
    return {
        "en_cy": build_pack(folder, "en", "cy", {"Hello": "Shwmae"}),
        "en_cy_newer": build_pack(folder, "en", "cy", version="1.1"),
        "pl_en": build_pack(folder, "pl", "en"),
        "no_metadata": build_pack(folder, "en", "de", with_metadata=False),
        "no_splitter": build_pack(folder, "en", "fr", with_splitter=False),
    }


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_packs_parser(parser.add_subparsers(dest="command"))
    return run_packs(parser.parse_args(["packs", *argv]))


def installed_pairs() -> list[tuple[str, str]]:
    return [pack.pair for pack in packs.installed()]


def assert_one_line_error(capsys: pytest.CaptureFixture[str], *words: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err


def test_install_list_and_remove_a_pack_file(
    argos_dir: Path, built: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("list") == 0
    assert "no packs installed" in capsys.readouterr().out

    assert run("install", str(built["en_cy"])) == 0
    assert run("list") == 0
    out = capsys.readouterr().out
    assert "installed en -> cy  version 1.0" in out
    assert "\nen -> cy  version 1.0  (EN -> CY)\n" in out
    pack_dir = argos_dir / "packages" / "translate-en_cy"
    assert (pack_dir / "metadata.json").is_file()
    assert argos_runtime.pack_splitter_models(pack_dir) == [pack_dir / "minisbd" / "en.onnx"]

    assert run("remove", "en", "cy") == 0
    assert "removed en -> cy" in capsys.readouterr().out
    assert installed_pairs() == []
    assert not pack_dir.exists()


def test_install_every_pack_in_a_folder(
    argos_dir: Path, built: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("en_cy", "pl_en"):
        shutil.copy(built[name], folder)

    assert run("install", str(folder)) == 0
    assert installed_pairs() == [("en", "cy"), ("pl", "en")]


def test_a_newer_pack_replaces_the_installed_one(argos_dir: Path, built: dict[str, Path]) -> None:
    packs.install_file(built["en_cy"])
    packs.install_file(built["en_cy_newer"])

    [pack] = packs.installed()
    assert (pack.pair, pack.version) == (("en", "cy"), "1.1")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: b"this is not a zip archive", "not a zip archive"),
        (lambda data: data[: len(data) // 2], "not a zip archive"),
        (
            lambda data: data[:4000] + bytes(b ^ 0xFF for b in data[4000:4200]) + data[4200:],
            "corrupt",
        ),
    ],
    ids=["not-a-zip", "truncated", "damaged"],
)
def test_a_corrupt_pack_file_is_refused(
    argos_dir: Path,
    built: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: object,
    message: str,
) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(damage(built["en_cy"].read_bytes()))  # type: ignore[operator]

    assert run("install", str(bad)) == 2
    assert_one_line_error(capsys, message, str(bad))
    assert installed_pairs() == []
    with pytest.raises(packs.InvalidPackError):
        packs.install_file(bad)


def test_a_missing_pack_file_is_refused(
    argos_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.argosmodel"

    assert run("install", str(missing)) == 2
    assert_one_line_error(capsys, "no such pack file", str(missing))
    with pytest.raises(packs.PackFileMissingError):
        packs.install(str(missing))


def test_a_pack_without_metadata_is_refused(
    argos_dir: Path, built: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("install", str(built["no_metadata"])) == 2
    assert_one_line_error(capsys, "no metadata.json")
    assert installed_pairs() == []


def test_a_pack_without_a_sentence_splitter_is_refused_offline(
    argos_dir: Path, built: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("install", str(built["no_splitter"])) == 2
    assert_one_line_error(capsys, "no MiniSBD sentence splitter")
    assert installed_pairs() == []
    assert [p.name for p in (argos_dir / "packages").iterdir()] == []  # no staging leftovers


def test_a_pack_without_a_splitter_is_completed_from_the_local_cache(
    argos_dir: Path, built: dict[str, Path]
) -> None:
    cache = argos_runtime.splitter_cache_dir()
    cache.mkdir(parents=True)
    with zipfile.ZipFile(built["en_cy"]) as pack_zip:
        (cache / "en.onnx").write_bytes(pack_zip.read("translate-en_cy-1_0/minisbd/en.onnx"))

    [pack] = packs.install(str(built["no_splitter"]))
    assert argos_runtime.pack_splitter_models(pack.path) == [pack.path / "minisbd" / "en.onnx"]


def test_an_empty_folder_and_an_unknown_pair_are_errors(
    argos_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("install", str(tmp_path)) == 2
    assert_one_line_error(capsys, "no .argosmodel files")
    assert run("remove", "en", "xx") == 2
    assert_one_line_error(capsys, "no pack is installed for en -> xx")


def write_mirror(folder: Path, built: dict[str, Path], names: list[str]) -> Path:
    """A local index mirror: index.json with links relative to it, and the packs beside it."""
    folder.mkdir()
    entries = []
    for name in names:
        shutil.copy(built[name], folder / built[name].name)
        with zipfile.ZipFile(built[name]) as pack_zip:
            root = pack_zip.namelist()[0].split("/")[0]
            metadata = json.loads(pack_zip.read(f"{root}/metadata.json"))
        entries.append({**metadata, "links": [built[name].name]})
    (folder / "index.json").write_text(json.dumps(entries))
    return folder


def test_install_by_language_code_from_a_local_index_mirror(
    argos_dir: Path,
    built: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mirror = write_mirror(tmp_path / "mirror", built, ["en_cy", "pl_en"])
    monkeypatch.setenv(argos_runtime.INDEX_ENV, str(mirror))

    assert run("install", "cy") == 0
    assert installed_pairs() == [("en", "cy")]
    assert [p.name for p in (argos_dir / "packages").iterdir()] == ["translate-en_cy"]


def test_a_mirror_pack_without_a_splitter_is_completed_from_the_mirror(
    argos_dir: Path,
    built: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mirror = write_mirror(tmp_path / "mirror", built, ["no_splitter"])
    (mirror / "minisbd").mkdir()
    with zipfile.ZipFile(built["en_cy"]) as pack_zip:
        splitter = pack_zip.read("translate-en_cy-1_0/minisbd/en.onnx")
    (mirror / "minisbd" / "en.onnx").write_bytes(splitter)
    monkeypatch.setenv(argos_runtime.INDEX_ENV, (mirror / "index.json").as_uri())

    [pack] = packs.install_language("fr")
    assert (pack.path / "minisbd" / "en.onnx").read_bytes() == splitter


def test_an_unknown_language_code_is_an_error(
    argos_dir: Path,
    built: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(argos_runtime.INDEX_ENV, str(write_mirror(tmp_path / "m", built, [])))

    assert run("install", "xx") == 2
    assert_one_line_error(capsys, "no pack between 'xx' and English")
    with pytest.raises(packs.UnknownLanguageError):
        packs.install("xx")


def test_an_unreachable_index_is_an_error(
    argos_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(argos_runtime.INDEX_ENV, str(tmp_path / "no-mirror" / "index.json"))

    assert run("install", "pl") == 2
    assert_one_line_error(capsys, "cannot read the package index")
    with pytest.raises(packs.IndexUnavailableError):
        packs.install("pl")


def test_the_index_address_can_be_a_folder_file_or_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(argos_runtime.INDEX_ENV, raising=False)
    assert argos_runtime.index_url() == argos_runtime.DEFAULT_INDEX
    monkeypatch.setenv(argos_runtime.INDEX_ENV, str(tmp_path))
    assert argos_runtime.index_url() == (tmp_path / "index.json").as_uri()
    monkeypatch.setenv(argos_runtime.INDEX_ENV, "http://mirror.local/argos/")
    assert argos_runtime.index_url() == "http://mirror.local/argos/index.json"
