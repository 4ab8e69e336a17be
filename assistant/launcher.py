"""Start and stop the assistant: the rasa-sdk action server and the Rasa server, on localhost.

One place knows how to run the stack; ``make run``, the end-to-end tests and the benchmarks
all use it.
"""

import os
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT, VAR_DIR
from assistant.widget.config import ORIGINS_ENV

READY_TIMEOUT_SECONDS = 300.0


class StartError(RuntimeError):
    """A server did not start; the message says which and ends with its last log lines."""


@dataclass
class Stack:
    """A running action server and Rasa server.

    Attributes:
        port: The Rasa server's port.
        action_port: The action server's port.
        commands: Each server's command line, by name ("actions" starts first, then "rasa").
        health: The address that answers 200 when each server is ready.
        env: The environment both servers run in.
        tracker_db: The SQLite file the Rasa server keeps conversations in.
        log_dir: Where each server writes its output (``<name>.log``); None: this terminal.
        processes: The running server processes, by name.
    """

    port: int
    action_port: int
    commands: dict[str, list[str]]
    health: dict[str, str]
    env: dict[str, str]
    tracker_db: Path
    log_dir: Path | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return f"http://localhost:{self.port}"

    def log(self, name: str) -> Path | None:
        """The file server ``name`` writes its output to, if not this terminal."""
        return self.log_dir / f"{name}.log" if self.log_dir is not None else None

    def start_server(self, name: str) -> None:
        """Start one server (``"actions"`` or ``"rasa"``) and wait until it answers.

        Raises:
            StartError: If it exits or does not answer in time.
        """
        output: IO[bytes] | None = None
        log = self.log(name)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            output = log.open("ab")
        process = subprocess.Popen(
            self.commands[name], cwd=PROJECT_ROOT, env=self.env, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        if output is not None:
            output.close()  # the server has its own copy
        self.processes[name] = process
        _wait_until_ready(name, process, self.health[name], log)

    def stop_server(self, name: str) -> None:
        """Stop one server, politely first (the other keeps running)."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        """Stop both servers, the Rasa server first."""
        for name in reversed(list(self.processes)):
            self.stop_server(name)


def render_endpoints(action_port: int, tracker_db: Path, directory: Path) -> Path:
    """Write ``endpoints.yml`` with its ``${...}`` placeholders filled in (Rasa does not do it)."""
    template = string.Template((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    text = template.substitute(
        ACTION_ENDPOINT_URL=f"http://localhost:{action_port}/webhook", TRACKER_DB=str(tracker_db)
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"endpoints-{action_port}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    """A free TCP port on localhost (for tests and benchmarks that start their own stack)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment() -> dict[str, str]:
    """The environment both servers run in: telemetry off, quiet logs, home inside the project."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        HOME=str(VAR_DIR / "home"),  # Rasa, Keras and matplotlib write settings under ~
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    )
    return env


def start(
    *,
    model: Path = DEFAULT_MODEL,
    port: int = 5005,
    action_port: int = 5055,
    tracker_db: Path = VAR_DIR / "rasa.db",
    log_dir: Path | None = None,
    allowed_origins: Sequence[str] = (),
) -> Stack:
    """Start the action server, then the Rasa server, and wait until both answer.

    Args:
        model: The trained model (``make train`` writes ``models/assistant.tar.gz``).
        port: The Rasa server's port (REST and socket.io channels, and the widget's files).
        action_port: The action server's port.
        tracker_db: The SQLite file conversations are kept in.
        log_dir: Write each server's output to a file here; None: to this terminal.
        allowed_origins: Sites allowed to embed the widget, besides those in ``widget.yml``.

    Raises:
        StartError: If the model is missing or a server exits or does not answer in time.
    """
    if not model.exists():
        raise StartError(f"No trained model at {model}: run `make train` first.")
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "home").mkdir(parents=True, exist_ok=True)
    env = server_environment()
    if allowed_origins:
        env[ORIGINS_ENV] = " ".join([env.get(ORIGINS_ENV, ""), *allowed_origins]).strip()
    endpoints = render_endpoints(action_port, tracker_db.resolve(), VAR_DIR / "run")
    commands = {
        "actions": [
            sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)
        ],
        "rasa": [
            sys.executable, "-m", "rasa", "run",
            "--model", str(model),
            "--port", str(port),
            "--credentials", str(PROJECT_ROOT / "credentials.yml"),
            "--endpoints", str(endpoints),
        ],
    }  # fmt: skip
    health = {
        "actions": f"http://localhost:{action_port}/health",
        "rasa": f"http://localhost:{port}/webhooks/rest/",
    }
    stack = Stack(port, action_port, commands, health, env, tracker_db.resolve(), log_dir)
    try:
        for name in commands:
            stack.start_server(name)
    except BaseException:
        stack.stop()
        raise
    return stack


@contextmanager
def running(**options: object) -> Iterator[Stack]:
    """Start the stack for the length of a ``with`` block (options as for :func:`start`)."""
    stack = start(**options)  # type: ignore[arg-type]
    try:
        yield stack
    finally:
        stack.stop()


def _wait_until_ready(
    name: str, process: subprocess.Popen[bytes], url: str, log: Path | None
) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(
                f"The {name} server exited with code {process.returncode}.{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise StartError(f"The {name} server did not answer {url} in time.{_tail(log)}")


def _tail(log: Path | None, lines: int = 30) -> str:
    if log is None or not log.exists():
        return ""
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return "\nLast lines of its log:\n" + "\n".join(text)
