"""The launcher: supervision with back-off, a clean stop, free ports, binding and the size cap.

The server tests run ``python -m assistant serve`` itself, once for the module, and end it with
SIGTERM in the last test.
"""

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from assistant import launcher
from assistant.launcher import Backoff, Stack, StartError, free_port
from assistant.paths import PROJECT_ROOT, VAR_DIR
from assistant.settings import Settings, load_settings
from assistant.storage.endpoints import shared_store_sections
from tests.helpers import non_loopback_address, post, reply_text

SERVE = [sys.executable, "-m", "assistant", "serve"]
QUESTION = "What is the ICS?"
READY_LINE = "The assistant is running."


def port_is_free(port: int) -> bool:
    try:
        launcher.check_port_free("rasa", "127.0.0.1", port)
    except StartError:
        return False
    return True


# Back-off and supervision, with a fake clock: nothing sleeps.


def test_backoff_doubles_from_one_second_to_at_most_thirty():
    policy = Backoff()
    assert [policy.delay(ran_for=0.5) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_backoff_starts_again_from_one_second_after_a_healthy_run():
    policy = Backoff()
    for _ in range(4):
        policy.delay(ran_for=1)
    assert policy.delay(ran_for=policy.healthy_after) == 1
    assert policy.delay(ran_for=1) == 2


@dataclass
class Clock:
    now: float = 0.0
    slept: float = 0.0
    on_sleep: Callable[[], None] = lambda: None

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds
        self.on_sleep()


@dataclass
class FakeProcess:
    """A server process that exits with ``code`` when the clock reaches ``dies_at``."""

    clock: Clock
    dies_at: float = float("inf")
    code: int = -9
    returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and self.clock() >= self.dies_at:
            self.returncode = self.code
        return self.returncode


@dataclass
class FakeStarts:
    """What each restart does, in turn: a process's lifetime in seconds, or an error."""

    clock: Clock
    stack: Stack
    plan: list[float | StartError]
    started_at: list[float] = field(default_factory=list)

    def __call__(self, name: str) -> None:
        self.started_at.append(self.clock())
        step = self.plan.pop(0)
        if isinstance(step, StartError):
            raise step
        self.stack.processes[name] = FakeProcess(self.clock, self.clock() + step, code=1)  # type: ignore[assignment]


def fake_stack(clock: Clock) -> Stack:
    stack = Stack(1, 2, {"actions": [], "rasa": []}, {}, {}, Path("unused.db"))
    stack.processes = {
        "actions": FakeProcess(clock, dies_at=0),  # killed with SIGKILL
        "rasa": FakeProcess(clock),
    }  # type: ignore[dict-item]
    return stack


def test_supervise_restarts_a_dead_server_with_backoff_and_says_each_step():
    clock = Clock()
    stack = fake_stack(clock)
    starts = FakeStarts(clock, stack, [0.0, StartError("Port 2 is taken."), 100.0, 1000.0])
    stack.start_server = starts  # type: ignore[method-assign]
    clock.on_sleep = lambda: stack.stopping.set() if not starts.plan else None
    said: list[str] = []
    launcher.supervise(stack, log=said.append, clock=clock, sleep=clock.sleep)
    assert said == [
        "The action server exited with code -9; restarting in 1 s.",
        "The action server is running again.",
        "The action server exited with code 1; restarting in 2 s.",
        "The action server did not start again: Port 2 is taken.",
        "The action server is not running; restarting in 4 s.",
        "The action server is running again.",
        "The action server exited with code 1; restarting in 1 s.",  # ran 100 s: healthy
        "The action server is running again.",
    ]
    started = starts.started_at
    assert started[1] - started[0] >= 2 and started[2] - started[1] >= 4, "each waits its back-off"
    assert stack.processes["rasa"].returncode is None


def test_supervise_restarts_nothing_once_stopping_is_set():
    clock = Clock()
    stack = fake_stack(clock)
    starts = FakeStarts(clock, stack, [1000.0])
    stack.start_server = starts  # type: ignore[method-assign]
    clock.on_sleep = stack.stopping.set  # a SIGTERM during the back-off
    said: list[str] = []
    launcher.supervise(stack, log=said.append, clock=clock, sleep=clock.sleep)
    assert starts.started_at == []
    assert said == ["The action server exited with code -9; restarting in 1 s."]


# Ports, the endpoints file, the secret and the servers' environment.


def test_a_taken_port_is_named_with_the_option_that_changes_it():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StartError) as error:
            launcher.check_port_free("actions", "127.0.0.1", port)
    message = str(error.value)
    assert f"Port {port}" in message and "action server" in message
    assert "--action-port" in message and "is taken" in message


@pytest.fixture
def impostor() -> Iterator[int]:
    """An old server on a port: it answers 200 to anything. Yields its port."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_an_old_server_answering_on_the_port_does_not_make_a_new_one_ready(impostor, monkeypatch):
    monkeypatch.setattr(launcher, "READY_TIMEOUT_SECONDS", 3.0)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(StartError, match="did not answer"):
            launcher.wait_until_ready(
                "actions", process, f"http://127.0.0.1:{impostor}/health",
                ("127.0.0.1", impostor), None, threading.Event(),
            )  # fmt: skip
    finally:
        process.kill()
        process.wait()


def test_a_server_that_exits_because_its_port_was_taken_says_so(impostor):
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    with pytest.raises(StartError) as error:
        launcher.wait_until_ready(
            "rasa", process, f"http://127.0.0.1:{impostor}/webhooks/rest/",
            ("127.0.0.1", impostor), None, threading.Event(),
        )  # fmt: skip
    assert "The Rasa server exited with code 0" in str(error.value)
    assert f"Port {impostor}" in str(error.value) and "is taken" in str(error.value)


def test_a_stop_asked_for_during_a_start_ends_the_wait(impostor):
    stopping = threading.Event()
    stopping.set()
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(launcher.Stopped):
            launcher.wait_until_ready(
                "actions", process, f"http://127.0.0.1:{impostor}/", ("127.0.0.1", impostor),
                None, stopping,
            )  # fmt: skip
    finally:
        process.kill()
        process.wait()


def test_the_endpoints_file_has_the_token_and_the_loopback_action_url(tmp_path):
    path = launcher.render_endpoints(5123, tmp_path / "t.db", tmp_path, "the-token")
    endpoints = yaml.safe_load(path.read_text())
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5123/webhook"
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer the-token"
    assert endpoints["tracker_store"]["db"] == str(tmp_path / "t.db")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "the token is for its owner only"


def test_the_conversation_secret_is_made_once_and_kept_for_its_owner_only(tmp_path):
    path = tmp_path / "conversation-secret"
    secret = launcher.conversation_secret(Settings(), path)
    assert len(secret) == 64 and set(secret) <= set("0123456789abcdef")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert launcher.conversation_secret(Settings(), path) == secret, "it survives a restart"


def test_a_conversation_secret_in_the_settings_wins_over_the_file(tmp_path):
    path = tmp_path / "conversation-secret"
    settings = load_settings({"BSOL_CONVERSATION_SECRET": "from-the-environment"})
    assert launcher.conversation_secret(settings, path) == "from-the-environment"
    assert not path.exists()


def test_extra_environment_reaches_both_servers_but_private_values_do_not_leak(monkeypatch):
    monkeypatch.setenv("BSOL_CONVERSATION_SECRET", "secret")
    env = launcher.server_environment({"BSOL_RATE_PER_CONVERSATION": "3/10"})
    assert env["BSOL_RATE_PER_CONVERSATION"] == "3/10"
    assert "BSOL_CONVERSATION_SECRET" not in env, "only the Rasa server gets it, on purpose"


@pytest.mark.parametrize("option", ["--port", "--action-port", "--demo-port"])
def test_a_taken_port_stops_serve_with_a_clear_error(option, tmp_path):
    ports = {"--port": free_port(), "--action-port": free_port(), "--demo-port": free_port()}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports[option]))
        taken.listen()
        arguments = [part for pair in ports.items() for part in (pair[0], str(pair[1]))]
        finished = subprocess.run(
            [*SERVE, *arguments, "--tracker-db", str(tmp_path / "t.db")],
            cwd=PROJECT_ROOT, env=serve_environment(), capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert finished.returncode != 0
    assert f"Port {ports[option]}" in finished.stderr and option in finished.stderr
    assert READY_LINE not in finished.stdout


# The real thing: `python -m assistant serve`, started once.


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    action_port: int
    demo_port: int
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def said(self) -> str:
        """What the launcher said (its standard error)."""
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        """The end of everything written, for a failure's message."""
        out = self.stdout.read_text(encoding="utf-8", errors="replace")
        return f"{out[-3000:]}\n--- stderr:\n{self.said()[-3000:]}"

    def children(self) -> dict[str, int]:
        """The servers' process ids, by name, read from /proc."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if ppid != self.process.pid:
                continue
            if b"assistant.action_server" in command:
                found["actions"] = int(entry.name)
            elif b"rasa" in command:
                found["rasa"] = int(entry.name)
        return found


def serve_environment() -> dict[str, str]:
    return {**os.environ, "HOME": str(VAR_DIR / "home")}


@pytest.fixture(scope="module")
def served(trained_model, tmp_path_factory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    ports = {"--port": free_port(), "--action-port": free_port(), "--demo-port": free_port()}
    arguments = [part for pair in ports.items() for part in (pair[0], str(pair[1]))]
    stdout, stderr = tmp / "stdout.log", tmp / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [*SERVE, *arguments, "--model", str(trained_model), "--tracker-db",
             str(tmp / "tracker.db")],
            cwd=PROJECT_ROOT, env=serve_environment(), stdout=out, stderr=err,
        )  # fmt: skip
    served = Served(process, *ports.values(), stdout, stderr)
    try:
        deadline = time.monotonic() + launcher.READY_TIMEOUT_SECONDS + 60
        while READY_LINE not in stdout.read_text(encoding="utf-8", errors="replace"):
            assert process.poll() is None, f"serve exited:\n{served.output()}"
            assert time.monotonic() < deadline, f"serve did not start:\n{served.output()}"
            time.sleep(1)
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


def ask(url: str, text: str) -> list[dict]:
    status, payload = post(f"{url}/webhooks/rest/webhook", json.dumps(
        {"sender": None, "message": text}).encode())  # fmt: skip
    assert status == 200, payload
    return json.loads(payload)


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


@pytest.mark.server
def test_a_killed_action_server_is_restarted_said_by_name_and_answers_again(served):
    before = reply_text(ask(served.url, QUESTION))
    old = served.children()["actions"]
    os.kill(old, signal.SIGKILL)
    wait_until(
        lambda: "The action server is running again." in served.said(), 120,
        f"the action server was not restarted:\n{served.output()}",
    )  # fmt: skip
    assert "The action server exited with code -9; restarting in 1 s." in served.said()
    assert served.children()["actions"] != old
    assert reply_text(ask(served.url, QUESTION)) == before, "residents are answered again"


@pytest.mark.server
def test_a_request_over_the_size_limit_gets_413(served):
    body = json.dumps({"sender": None, "message": "a" * 100_000}).encode()
    assert len(body) > Settings().max_request_bytes
    status, _ = post(f"{served.url}/webhooks/rest/webhook", body)
    assert status == 413


@pytest.mark.server
def test_a_request_over_the_size_limit_is_refused_before_its_body_is_read(served):
    head = (
        f"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(head + b'{"message": "' + b"a" * 1000)  # and nothing more: never the rest
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer


@pytest.mark.server
def test_both_servers_refuse_connections_on_a_non_loopback_address(served):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    for port in (served.port, served.action_port):
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it listens on loopback...
        with socket.socket(family) as sock:
            sock.settimeout(5)
            assert sock.connect_ex((address, port)) != 0, f"...and not on {address}:{port}"


@pytest.mark.server
def test_each_server_gets_its_own_private_settings_and_no_other(served):
    environments = {
        name: dict(
            line.split("=", 1)
            for line in Path(f"/proc/{pid}/environ").read_text().split("\0")
            if "=" in line
        )
        for name, pid in served.children().items()
    }
    rasa, actions = environments["rasa"], environments["actions"]
    assert rasa["SANIC_REQUEST_MAX_SIZE"] == str(Settings().max_request_bytes)
    assert rasa["BSOL_CONVERSATION_SECRET"] == (
        os.environ.get("BSOL_CONVERSATION_SECRET")
        or launcher.SECRET_FILE.read_text().strip()
    ), "the same secret at every start, so conversation ids survive a restart"
    assert len(actions["BSOL_ACTION_TOKEN"]) >= 32
    assert "BSOL_ACTION_TOKEN" not in rasa, "Rasa has it in its endpoints file only"
    assert "BSOL_CONVERSATION_SECRET" not in actions
    assert "SANIC_REQUEST_MAX_SIZE" not in actions, "Rasa sends the action server whole trackers"


@pytest.mark.server
def test_sigterm_stops_both_servers_and_serve_exits_freeing_its_ports(served):
    """Runs last: it ends the module's server."""
    children = served.children()
    assert set(children) == {"actions", "rasa"}
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=90) == 0
    for name, pid in children.items():
        proc = Path(f"/proc/{pid}")
        wait_until(lambda p=proc: not p.exists(), 30, f"the {name} server lives on")
    for port in (served.port, served.action_port, served.demo_port):
        assert port_is_free(port), f"port {port} is still held"
    assert "The assistant has stopped." in served.said()


def test_the_shared_stores_replace_the_files_sqlite_and_in_memory_ones(tmp_path):
    settings = load_settings({
        "BSOL_TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5433/assistant",
        "BSOL_LOCK_STORE_URL": "redis://127.0.0.1:6380/0",
    })  # fmt: skip
    path = launcher.render_endpoints(
        5123, tmp_path / "t.db", tmp_path, "the-token", shared_store_sections(settings)
    )
    endpoints = yaml.safe_load(path.read_text())
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["tracker_store"]["port"] == 5433
    assert endpoints["lock_store"]["type"] == "assistant.storage.lock_store.ResilientRedisLockStore"
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer the-token"
