"""Start, watch and stop the assistant: the action server and the Rasa server.

One place knows how to run the stack; ``make run``, the end-to-end tests and the benchmarks
all use it. The action server listens on 127.0.0.1 only and answers only the token made for
this start; the Rasa server listens on the ``BSOL_HOST`` setting (127.0.0.1 by default). Before
a server starts its port is checked free, and a server counts as ready only when it is this
server (not an old copy on the same port) that answers. :func:`supervise` restarts a server
that dies, with back-off, and says so on standard error.
"""

import errno
import http.client
import os
import secrets
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

from assistant.action_server import HOST as ACTION_HOST
from assistant.action_server import TOKEN_ENV
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT, VAR_DIR
from assistant.settings import Settings, load_settings
from assistant.storage.endpoints import shared_store_sections
from assistant.widget.config import ORIGINS_ENV

READY_TIMEOUT_SECONDS = 300.0
ENDPOINTS_TEMPLATE = PROJECT_ROOT / "endpoints.yml"
SECRET_FILE = VAR_DIR / "conversation-secret"
SECRET_ENV = "BSOL_CONVERSATION_SECRET"
REQUEST_MAX_SIZE_ENV = "SANIC_REQUEST_MAX_SIZE"  # Sanic reads SANIC_* variables into app.config
WEBSOCKET_MAX_SIZE_ENV = "SANIC_WEBSOCKET_MAX_SIZE"  # the largest socket.io frame over WebSocket
ERROR_FORMAT_ENV = "SANIC_FALLBACK_ERROR_FORMAT"
KEEP_ALIVE_ENV = "SANIC_KEEP_ALIVE_TIMEOUT"
ACTION_KEEP_ALIVE_SECONDS = 75
LABELS = {"actions": "action server", "rasa": "Rasa server"}
PORT_OPTIONS = {
    "actions": "--action-port (ACTION_PORT=... for make run)",
    "rasa": "--port (PORT=... for make run)",
}
WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}

Log = Callable[[str], None]


class StartError(RuntimeError):
    """A server did not start; the message says which and ends with its last log lines."""


class Stopped(StartError):
    """A stop was asked for while a server was starting."""


@dataclass
class Stack:
    """A running action server and Rasa server.

    Attributes:
        port: The Rasa server's port.
        action_port: The action server's port.
        commands: Each server's command line, by name ("actions" starts first, then "rasa").
        health: The address that answers 200 when each server is ready.
        environments: The environment each server runs in, by name.
        tracker_db: The SQLite file the Rasa server keeps conversations in.
        log_dir: Where each server writes its output (``<name>.log``); None: this terminal.
        host: The address the Rasa server listens on.
        action_token: The token the action server asks for (made for this start).
        endpoints: The filled-in ``endpoints.yml`` the Rasa server reads (it holds the token).
        stopping: Set when the stack is to stop: nothing starts or restarts after that.
        processes: The running server processes, by name.
    """

    port: int
    action_port: int
    commands: dict[str, list[str]]
    health: dict[str, str]
    environments: dict[str, dict[str, str]]
    tracker_db: Path
    log_dir: Path | None = None
    host: str = "127.0.0.1"
    action_token: str = ""
    endpoints: Path | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return server_url(self.host, self.port)

    @property
    def action_url(self) -> str:
        """The action server's base URL."""
        return f"http://{ACTION_HOST}:{self.action_port}"

    def address(self, name: str) -> tuple[str, int]:
        """The address and port server ``name`` listens on."""
        return (ACTION_HOST, self.action_port) if name == "actions" else (self.host, self.port)

    def log(self, name: str) -> Path | None:
        """The file server ``name`` writes its output to, if not this terminal."""
        return self.log_dir / f"{name}.log" if self.log_dir is not None else None

    def start_server(self, name: str) -> None:
        """Start one server (``"actions"`` or ``"rasa"``) and wait until it answers.

        Raises:
            StartError: If its port is taken, or it exits or does not answer in time.
            Stopped: If :attr:`stopping` is set meanwhile.
        """
        if self.stopping.is_set():
            raise Stopped(f"Not starting the {LABELS[name]}: the assistant is stopping.")
        check_port_free(name, *self.address(name))
        output: IO[bytes] | None = None
        log = self.log(name)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            output = log.open("ab")
        process = subprocess.Popen(
            self.commands[name], cwd=PROJECT_ROOT, env=self.environments[name], stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        if output is not None:
            output.close()  # the server has its own copy
        self.processes[name] = process
        try:
            wait_until_ready(name, process, self.health[name], self.address(name), log,
                              self.stopping)  # fmt: skip
        except BaseException:
            self.stop_server(name)
            raise

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
        """Stop both servers, the Rasa server first; nothing restarts them afterwards."""
        if not self.stopping.is_set():  # is_set takes no lock, so a signal handler may set it
            self.stopping.set()
        for name in reversed(list(self.processes)):
            self.stop_server(name)
        if self.endpoints is not None:
            self.endpoints.unlink(missing_ok=True)


@dataclass
class Backoff:
    """How long to wait before restarting a server that died: 1 s, doubling, at most 30 s.

    The wait starts again from ``first`` once the server had run for ``healthy_after`` seconds.
    """

    first: float = 1.0
    maximum: float = 30.0
    healthy_after: float = 60.0
    _next: float | None = field(default=None, init=False, repr=False)

    def delay(self, ran_for: float) -> float:
        """The wait before the next restart of a server that ran ``ran_for`` seconds."""
        if self._next is None or ran_for >= self.healthy_after:
            self._next = self.first
        delay = self._next
        self._next = min(self.maximum, delay * 2)
        return delay


def supervise(
    stack: Stack,
    *,
    log: Log | None = None,
    backoff: Callable[[], Backoff] = Backoff,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = 0.5,
) -> None:
    """Keep both servers running until ``stack.stopping`` is set; say every exit and restart.

    Safe to stop from a signal handler that sets ``stack.stopping`` (it is only polled here).
    One server restarts at a time (the Rasa server takes a while): the other is looked at after.

    Args:
        stack: The started stack.
        log: Where each exit and restart is said (default: standard error, with the time).
        backoff: Makes each server's back-off policy.
        clock: Seconds, for how long a server ran (tests pass a fake).
        sleep: Waits (tests pass a fake that moves their clock).
        poll_seconds: How often the servers are looked at.
    """
    say = log or say_on_stderr
    policies = {name: backoff() for name in stack.commands}
    since = {name: clock() for name in stack.commands}
    while not stack.stopping.is_set():
        for name in stack.commands:
            process = stack.processes.get(name)
            if process is not None and process.poll() is None:
                continue
            if stack.stopping.is_set():
                return
            stack.processes.pop(name, None)
            delay = policies[name].delay(clock() - since[name])
            state = f"exited with code {process.returncode}" if process else "is not running"
            say(f"The {LABELS[name]} {state}; restarting in {delay:g} s.")
            if not _pause(delay, stack.stopping, sleep):
                return
            try:
                stack.start_server(name)
            except Stopped:
                return
            except StartError as error:
                say(f"The {LABELS[name]} did not start again: {error}")
            else:
                say(f"The {LABELS[name]} is running again.")
            since[name] = clock()
        sleep(poll_seconds)


def say_on_stderr(message: str) -> None:
    """Print a launcher message on standard error, with the time."""
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} launcher: {message}", file=sys.stderr, flush=True)


def check_port_free(name: str, host: str, port: int) -> None:
    """Check that server ``name`` can listen on ``host:port``.

    Raises:
        StartError: If it cannot (the message names the port and the option that changes it).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                problem = "is taken: is another copy of the assistant, or another program, on it?"
            else:
                problem = f"cannot be used ({error.strerror})."
            hint = " or the address with BSOL_HOST" if name == "rasa" else ""
            raise StartError(
                f"Port {port} on {host}, for the {LABELS[name]}, {problem} "
                f"Choose another port with {PORT_OPTIONS[name]}{hint}."
            ) from None


def render_endpoints(
    action_port: int,
    tracker_db: Path,
    directory: Path,
    token: str,
    stores: Mapping[str, Mapping[str, object]] | None = None,
) -> Path:
    """Write ``endpoints.yml`` with its ``${...}`` placeholders filled in (Rasa does not do it).

    ``stores`` replace the file's ``tracker_store`` / ``lock_store`` sections (the shared stores
    of :func:`~assistant.storage.endpoints.shared_store_sections`). The file holds the action
    server's token (and any store password), so only its owner may read it.
    """
    template = string.Template(ENDPOINTS_TEMPLATE.read_text(encoding="utf-8"))
    text = template.substitute(
        ACTION_ENDPOINT_URL=f"http://{ACTION_HOST}:{action_port}/webhook",
        ACTION_TOKEN=token,
        TRACKER_DB=str(tracker_db),
    )
    if stores:
        text = yaml.safe_dump({**yaml.safe_load(text), **stores}, sort_keys=False)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"endpoints-{action_port}.yml"
    _write_private(path, text)
    return path


def conversation_secret(settings: Settings, path: Path = SECRET_FILE) -> str:
    """The key conversation ids are signed with: the setting, else kept in ``path`` (mode 0600).

    The file is made on first use, so ids stay valid across restarts.
    """
    if settings.conversation_secret:
        return settings.conversation_secret
    if path.exists():
        secret = path.read_text(encoding="utf-8").strip()
        if secret:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
            return secret
    secret = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, secret + "\n")
    return secret


def free_port() -> int:
    """A free TCP port on localhost (for tests and benchmarks that start their own stack)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_url(host: str, port: int) -> str:
    """The base URL of a Rasa server listening on ``host:port``, as seen from this machine."""
    reach = client_host(host)
    return f"http://{'localhost' if _is_loopback(reach) else _url_host(reach)}:{port}"


def client_host(host: str) -> str:
    """The address to reach a server listening on ``host`` from this machine."""
    return WILDCARDS.get(host, host)


def server_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment both servers run in: telemetry off, quiet logs, home inside the project.

    Args:
        extra: More variables for both servers (e.g. a rate-limit setting for a test).
    """
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        HOME=str(VAR_DIR / "home"),  # Rasa, Keras and matplotlib write settings under ~
        # OpenMP threads sleep when idle instead of spinning: with the e5 engine and TensorFlow in
        # one process on few cores, spinning threads gave occasional replies of over a second.
        OMP_WAIT_POLICY=env.get("OMP_WAIT_POLICY", "PASSIVE"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    )
    env.update(extra or {})
    for private in (TOKEN_ENV, SECRET_ENV):  # each goes only to the server that needs it
        env.pop(private, None)
    return env


def start(
    *,
    model: Path = DEFAULT_MODEL,
    port: int = 5005,
    action_port: int = 5055,
    tracker_db: Path = VAR_DIR / "rasa.db",
    log_dir: Path | None = None,
    allowed_origins: Sequence[str] = (),
    environment: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    stopping: threading.Event | None = None,
) -> Stack:
    """Start the action server, then the Rasa server, and wait until both answer.

    Args:
        model: The trained model (``make train`` writes ``models/assistant.tar.gz``).
        port: The Rasa server's port (REST and socket.io channels, and the widget's files).
        action_port: The action server's port.
        tracker_db: The SQLite file conversations are kept in.
        log_dir: Write each server's output to a file here; None: to this terminal.
        allowed_origins: Sites allowed to embed the widget, besides those in ``widget.yml``.
        environment: More environment variables for both servers (``BSOL_*`` settings too).
        settings: The settings (default: read from this environment plus ``environment``).
        stopping: Set it (e.g. from a signal handler) to stop the start and the stack.

    Raises:
        StartError: If the model is missing, a port is taken, or a server exits or does not
            answer in time.
        SettingsError: If a setting has a wrong value.
    """
    if not model.exists():
        raise StartError(f"No trained model at {model}: run `make train` first.")
    extra = dict(environment or {})
    if allowed_origins:
        base = extra.get(ORIGINS_ENV, os.environ.get(ORIGINS_ENV, ""))
        extra[ORIGINS_ENV] = " ".join([base, *allowed_origins]).strip()
    if settings is None:
        settings = load_settings({**os.environ, **extra})
    env = server_environment(extra)
    for name, (host, number) in {"actions": (ACTION_HOST, action_port),
                                 "rasa": (settings.host, port)}.items():  # fmt: skip
        check_port_free(name, host, number)
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "home").mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    endpoints = render_endpoints(action_port, tracker_db.resolve(), VAR_DIR / "run", token,
                                 shared_store_sections(settings))  # fmt: skip
    environments = {
        "actions": {
            **_without(env, REQUEST_MAX_SIZE_ENV),  # it gets whole trackers
            TOKEN_ENV: token,
            # Rasa's HTTP client keeps idle connections for 15 s; were the action server to close
            # them sooner (Sanic's default: 5 s), Rasa would write into a closing connection
            # under load and a resident's answer would be lost.
            KEEP_ALIVE_ENV: str(ACTION_KEEP_ALIVE_SECONDS),
        },
        "rasa": {
            **env,
            REQUEST_MAX_SIZE_ENV: str(settings.max_request_bytes),
            WEBSOCKET_MAX_SIZE_ENV: str(settings.max_request_bytes),
            ERROR_FORMAT_ENV: "json",  # Sanic's own errors (413, 404) as plain JSON, never HTML
            SECRET_ENV: conversation_secret(settings),
        },
    }
    commands = {
        "actions": [sys.executable, "-m", "assistant.action_server", "--port", str(action_port)],
        "rasa": [
            sys.executable, "-m", "rasa", "run",
            "--model", str(model),
            "--interface", settings.host,
            "--port", str(port),
            "--credentials", str(PROJECT_ROOT / "credentials.yml"),
            "--endpoints", str(endpoints),
        ],
    }  # fmt: skip
    health = {
        "actions": f"http://{ACTION_HOST}:{action_port}/health",
        "rasa": f"http://{_url_host(client_host(settings.host))}:{port}/webhooks/rest/",
    }
    stack = Stack(
        port, action_port, commands, health, environments, tracker_db.resolve(), log_dir,
        host=settings.host, action_token=token, endpoints=endpoints,
        stopping=stopping or threading.Event(),
    )  # fmt: skip
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


def wait_until_ready(
    name: str,
    process: subprocess.Popen[bytes],
    url: str,
    address: tuple[str, int],
    log: Path | None,
    stopping: threading.Event,
) -> None:
    """Wait until ``process`` itself answers ``url`` (an old server on its port does not count).

    Raises:
        StartError: If it exits or does not answer in time.
        Stopped: If ``stopping`` is set meanwhile.
    """
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if stopping.is_set():
            raise Stopped(f"Stopped while the {LABELS[name]} was starting.")
        if process.poll() is not None:
            try:  # a server that cannot listen may load for a while first, then exit
                check_port_free(name, *address)
                why = ""
            except StartError as error:
                why = f" {error}"
            raise StartError(
                f"The {LABELS[name]} exited with code {process.returncode}.{why}{_tail(log)}"
            )
        if _answers(url) and _listens(process.pid, address[1]):
            return
        time.sleep(0.5)
    raise StartError(f"The {LABELS[name]} did not answer {url} in time.{_tail(log)}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return bool(reply.status == 200)
    except (OSError, http.client.HTTPException):  # URLError, refused, reset, timed out
        return False


def _listens(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds the socket listening on ``port``.

    Read from Linux's /proc; True where there is no /proc to tell.
    """
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return not Path("/proc/net/tcp").exists()
    owned = set()
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            owned.add(target[len("socket:[") : -1])
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            listening = fields[3] == "0A"
            if listening and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in owned:
                return True
    return False


def _pause(seconds: float, stopping: threading.Event, sleep: Callable[[float], None]) -> bool:
    """Wait ``seconds`` in short steps; False if ``stopping`` was set meanwhile."""
    remaining = seconds
    while remaining > 0:
        if stopping.is_set():
            return False
        step = min(0.25, remaining)
        sleep(step)
        remaining -= step
    return not stopping.is_set()


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable and writable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)  # the file may have existed with wider rights
        file.write(text)


def _without(env: Mapping[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != name}


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _tail(log: Path | None, lines: int = 30) -> str:
    if log is None or not log.exists():
        return ""
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return "\nLast lines of its log:\n" + "\n".join(text)
