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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT, VAR_DIR

READY_TIMEOUT_SECONDS = 300.0


class StartError(RuntimeError):
    """A server did not start; the message says which and ends with its last log lines."""


@dataclass
class Stack:
    """A running action server and Rasa server.

    Attributes:
        port: The Rasa server's port.
        action_port: The action server's port.
        processes: The two server processes (action server first).
        logs: Where each process writes its output, if not to this terminal.
    """

    port: int
    action_port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return f"http://localhost:{self.port}"

    def stop(self) -> None:
        """Stop both servers, politely first."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
) -> Stack:
    """Start the action server, then the Rasa server, and wait until both answer.

    Args:
        model: The trained model (``make train`` writes ``models/assistant.tar.gz``).
        port: The Rasa server's port (REST and socket.io channels).
        action_port: The action server's port.
        tracker_db: The SQLite file conversations are kept in.
        log_dir: Write each server's output to a file here; None: to this terminal.

    Raises:
        StartError: If the model is missing or a server exits or does not answer in time.
    """
    if not model.exists():
        raise StartError(f"No trained model at {model}: run `make train` first.")
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "home").mkdir(parents=True, exist_ok=True)
    env = server_environment()
    endpoints = render_endpoints(action_port, tracker_db.resolve(), VAR_DIR / "run")
    stack = Stack(port=port, action_port=action_port)
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
    try:
        for name, command in commands.items():
            output: IO[bytes] | int | None = None
            if log_dir is not None:
                log_dir.mkdir(parents=True, exist_ok=True)
                stack.logs.append(log_dir / f"{name}.log")
                output = stack.logs[-1].open("wb")
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
            stack.processes.append(process)
            _wait_until_ready(name, process, health[name], stack.logs[-1] if log_dir else None)
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
