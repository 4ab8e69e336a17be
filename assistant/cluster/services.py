"""The shared services of a cluster on one machine: PostgreSQL, Redis and nginx, data in ``var/``.

Each runs from Debian's packages (``make cluster`` installs those missing), as a child process
of its own with its files under one folder, so that stopping it stops exactly what was started.
PostgreSQL refuses to run as root: as root, it runs as the ``postgres`` user Debian's package
makes.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

START_SECONDS = 30.0
STOP_SECONDS = 20.0
OUTSIDE_MARKER = "files-outside"


class ServiceError(RuntimeError):
    """A service could not be found, prepared or started; the message says which and why."""


@dataclass
class Service:
    """One server process: how to start it, the port it answers on, where it logs."""

    name: str
    command: list[str]
    port: int
    log: Path
    user: str | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start the process and wait until its port takes connections."""
        if _listening(self.port):
            raise ServiceError(f"{self.name}: port {self.port} is already in use.")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                user=self.user, group=self.user, cwd="/",
            )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while not _listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ServiceError(f"{self.name} did not start: see {self.log}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the process politely (SIGTERM), then for good; nothing else is touched."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @property
    def pid(self) -> int | None:
        """The running process's id, or None."""
        return self.process.pid if self.process and self.process.poll() is None else None


def postgresql(folder: Path, port: int) -> Service:
    """PostgreSQL with its data in ``folder`` (made on first use), on 127.0.0.1:``port``.

    Trust authentication: it listens on 127.0.0.1 only (a machine of its own would use a
    password in ``BSOL_TRACKER_STORE_URL``).
    """
    binaries = _postgresql_binaries()
    user = "postgres" if os.geteuid() == 0 else None
    log = folder / "postgresql.log"
    folder.mkdir(parents=True, exist_ok=True)
    if user and not _enterable(user, folder):
        folder = _files_outside(folder)
    data = folder / "data"
    _remove_stale_lock(data)
    if not (data / "PG_VERSION").exists():
        if user:
            shutil.chown(folder, user)
        _run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "--no-sync"], "initdb", user)  # fmt: skip
    sockets = folder / "sockets"
    sockets.mkdir(exist_ok=True)
    if user:
        shutil.chown(sockets, user)
    command = [
        str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
        "-k", str(sockets), "-c", "fsync=on", "-c", "max_connections=200",
    ]  # fmt: skip
    return Service("PostgreSQL", command, port, log, user)


def create_database(port: int, database: str) -> None:
    """Make ``database`` on the PostgreSQL at 127.0.0.1:``port`` if it is not there yet."""
    psql = [str(_postgresql_binaries() / "psql"), "-h", "127.0.0.1", "-p", str(port),
            "-U", "postgres", "-tAc"]  # fmt: skip
    found = subprocess.run(
        [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if found.stdout.strip() != "1":
        _run([*psql, f'CREATE DATABASE "{database}"'], "CREATE DATABASE")


def redis(folder: Path, port: int) -> Service:
    """Redis with its files in ``folder``, on 127.0.0.1:``port``, nothing saved to disk."""
    folder.mkdir(parents=True, exist_ok=True)
    binary = _binary("redis-server", "redis-server")
    command = [
        binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
        "--save", "", "--appendonly", "no", "--protected-mode", "yes",
    ]  # fmt: skip
    return Service("Redis", command, port, folder / "redis.log")


def nginx(config: Path, port: int) -> Service:
    """The balancer: nginx in the foreground with ``config`` (files beside it), on ``port``."""
    binary = _binary("nginx", "nginx-light")
    command = [binary, "-c", str(config), "-p", str(config.parent), "-g", "daemon off;"]
    return Service("nginx", command, port, config.parent / "nginx.log")


def _postgresql_binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise ServiceError("PostgreSQL is not installed: run `make cluster` (it installs "
                           "Debian's postgresql package).")  # fmt: skip
    return Path(found[-1]).parent


def _binary(name: str, package: str) -> str:
    for folder in ("/usr/sbin", "/usr/bin", "/usr/local/bin"):
        if Path(folder, name).exists():
            return str(Path(folder, name))
    found = shutil.which(name)
    if found is None:
        raise ServiceError(f"{name} is not installed: run `make cluster` (it installs "
                           f"Debian's {package} package).")  # fmt: skip
    return found


def command_of(pid: int) -> list[str]:
    """The command line of process ``pid`` (empty when it has gone or is a zombie)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _files_outside(folder: Path) -> Path:
    """Where PostgreSQL's files go when the postgres user cannot enter ``folder``.

    A checkout in a private folder (``mktemp -d`` is 0700) is out of the postgres user's reach,
    so the files go under /tmp, in a folder named after ``folder``. A marker in ``folder`` ties
    the two: when ``folder`` is made afresh (the marker gone), so is the folder under /tmp.
    """
    outside = _outside(folder)
    marker = folder / OUTSIDE_MARKER
    if not marker.exists():
        shutil.rmtree(outside, ignore_errors=True)
        marker.write_text(f"PostgreSQL's files for this folder are in {outside}\n")
    outside.mkdir(exist_ok=True)
    return outside


def remove_postgresql_files(folder: Path) -> None:
    """Remove the data of the PostgreSQL :func:`postgresql` made for ``folder`` (not running).

    Those kept under /tmp go too (nothing else would remove them until the machine restarts);
    the log stays.
    """
    marker = folder / OUTSIDE_MARKER
    if marker.exists():
        shutil.rmtree(_outside(folder), ignore_errors=True)
        marker.unlink()
    shutil.rmtree(folder / "data", ignore_errors=True)


def _outside(folder: Path) -> Path:
    return Path(tempfile.gettempdir()) / f"bsol-postgresql-{_digest(folder)}"


def _remove_stale_lock(data: Path) -> None:
    """Remove ``postmaster.pid`` when no PostgreSQL on ``data`` holds it (one killed outright).

    PostgreSQL clears a stale lock itself only when the process id in it is free or another
    user's; after a restart of the machine or container that id may be another program of its own
    user, and PostgreSQL would refuse to start.
    """
    lock = data / "postmaster.pid"
    try:
        pid = int(lock.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return
    if str(data) not in command_of(pid):
        lock.unlink(missing_ok=True)


def _enterable(user: str, folder: Path) -> bool:
    """Whether ``user`` can enter ``folder`` (every folder above it included)."""
    done = subprocess.run(["test", "-x", str(folder)], user=user, group=user, check=False)
    return done.returncode == 0


def _digest(folder: Path) -> str:
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]


def _run(command: list[str], what: str, user: str | None = None) -> None:
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, user=user, group=user, cwd="/"
    )
    if done.returncode != 0:
        raise ServiceError(f"{what} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0
