"""The cluster's PostgreSQL on the real server: where its files live and how it starts again."""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from assistant.cluster import services
from assistant.launcher import free_port


def data_folder(server: services.Service) -> Path:
    return Path(server.command[server.command.index("-D") + 1])


def databases(port: int) -> set[str]:
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT datname FROM pg_database"))
            return {row[0] for row in rows}
    finally:
        engine.dispose()


@pytest.fixture
def folder(tmp_path) -> Iterator[Path]:
    """A folder for PostgreSQL; its files are removed afterwards, those under /tmp too."""
    folder = tmp_path / "postgresql"
    yield folder
    services.remove_postgresql_files(folder)


@pytest.fixture
def another_program() -> Iterator[subprocess.Popen[bytes]]:
    """A program of PostgreSQL's own user: PostgreSQL takes another user's process for no server."""
    user = "postgres" if os.geteuid() == 0 else None
    program = subprocess.Popen(["sleep", "120"], user=user, group=user)
    try:
        yield program
    finally:
        program.kill()
        program.wait()


def test_postgresql_starts_past_a_lock_file_whose_process_id_is_now_another_programs(
    folder, another_program
):
    port = free_port()
    server = services.postgresql(folder, port)
    server.start()
    lock = data_folder(server) / "postmaster.pid"
    left = lock.read_text(encoding="utf-8").split("\n")
    server.stop()
    # As a PostgreSQL killed outright leaves it, after a restart gave its id to another program.
    lock.write_text("\n".join([str(another_program.pid), *left[1:]]), encoding="utf-8")

    again = services.postgresql(folder, port)
    again.start()
    try:
        assert "postgres" in databases(port)
    finally:
        again.stop()


def test_a_folder_made_afresh_gets_a_fresh_postgresql_and_a_kept_one_keeps_its_data(folder):
    port = free_port()
    for expected in (True, False):  # started again in the same folder, then in a new one
        server = services.postgresql(folder, port)
        server.start()
        try:
            if expected:
                services.create_database(port, "kept")
                server.stop()
                server.start()
            assert ("kept" in databases(port)) is expected
        finally:
            server.stop()
        if expected:
            shutil.rmtree(folder)
