from assistant.__main__ import main
from assistant.directory.store import DIRECTORY_DIR, read_pcns, read_postcodes, read_practices
from tests.directory_files import copy_with, shared_data


def run_import(tmp_path, *extra):
    return main(["directory", "import", "--data-dir", str(tmp_path / "data-out"),
                 "--build-dir", str(tmp_path / "build-out"), *extra])  # fmt: skip


def written(tmp_path):
    return {
        path.relative_to(tmp_path): path.read_bytes()
        for path in sorted(tmp_path.glob("*-out/*"))
    }


def test_a_second_run_with_the_same_files_writes_the_same_bytes(tmp_path, capsys):
    shared_data()
    assert run_import(tmp_path) == 0
    first = written(tmp_path)
    assert run_import(tmp_path) == 0
    assert written(tmp_path) == first
    assert "175 practices (24 West Birmingham) in 36 PCNs" in capsys.readouterr().out


def test_the_committed_directory_is_what_the_shared_files_give(tmp_path):
    shared_data()
    assert run_import(tmp_path) == 0
    for name in ("practices.csv", "pcns.csv", "districts.csv", "sources.yml"):
        assert (tmp_path / "data-out" / name).read_bytes() == (DIRECTORY_DIR / name).read_bytes()


def test_what_is_written_reads_back(tmp_path):
    shared_data()
    assert run_import(tmp_path) == 0
    practices = read_practices(tmp_path / "data-out" / "practices.csv")
    assert len(practices) == 175 and sum(p.west_birmingham for p in practices) == 24
    assert len(read_pcns(tmp_path / "data-out" / "pcns.csv")) == 36
    postcodes = read_postcodes(tmp_path / "build-out" / "postcodes.csv")
    assert postcodes["B11 1LU"] == (52.46267, -1.87132)


def test_a_refused_file_exits_1_names_file_and_row_and_writes_nothing(tmp_path, capsys):
    def drop_a_column(rows):
        rows[9] = rows[9][:-1]
        return rows

    data = copy_with(tmp_path, "gp-practices/epraccur.csv", drop_a_column)
    assert run_import(tmp_path, "--epraccur", str(data / "gp-practices" / "epraccur.csv")) == 1
    error = capsys.readouterr().err
    assert "Not imported, nothing written:" in error and "epraccur.csv, row 10:" in error
    assert "Traceback" not in error
    assert not list(tmp_path.glob("*-out"))
