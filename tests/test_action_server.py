"""The action server: 127.0.0.1 only, the assistant's token or 401, and errors that echo nothing."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.action_server import TOKEN_ENV, authorised, log_level, main
from assistant.launcher import free_port, server_environment
from assistant.paths import PROJECT_ROOT
from tests.helpers import get, non_loopback_address

TOKEN = "test-token-for-the-action-server"
RESIDENT_TEXT = "my NHS number is 943 476 5919"


@dataclass
class ActionServer:
    url: str
    port: int
    log: Path


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionServer]:
    """The real action server, alone, started as the launcher starts it."""
    port = free_port()
    log = tmp_path_factory.mktemp("action-server") / "actions.log"
    env = {**server_environment(), TOKEN_ENV: TOKEN}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.action_server", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while get_status(f"{url}/health") != 200:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.3)
        yield ActionServer(url, port, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def get_status(url: str) -> int | None:
    try:
        return get(url, timeout=2)[0]
    except OSError:
        return None


def post(url: str, body: bytes, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def action_call(action: str) -> bytes:
    """A request to run ``action``, as Rasa sends it."""
    tracker = {
        "sender_id": "test", "slots": {}, "latest_message": {"text": RESIDENT_TEXT},
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": None, "latest_event_time": None,
    }  # fmt: skip
    return json.dumps(
        {"next_action": action, "sender_id": "test", "tracker": tracker, "domain": {},
         "version": "3.6.2"}
    ).encode()  # fmt: skip


@pytest.mark.server
def test_the_health_check_needs_no_token(action_server):
    assert get_status(f"{action_server.url}/health") == 200


@pytest.mark.server
@pytest.mark.parametrize("token", [None, "wrong", ""], ids=["no token", "wrong", "empty"])
def test_actions_and_webhook_answer_401_without_the_token(action_server, token):
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    status, reply_headers, body = get(f"{action_server.url}/actions", headers=headers)
    assert status == 401
    assert "error" in json.loads(body)
    assert reply_headers.get("www-authenticate") == "Bearer"
    status, body = post(f"{action_server.url}/webhook", action_call("action_list_topics"), token)
    assert status == 401
    assert set(json.loads(body)) == {"error"}, "nothing of the action may run or be told"


@pytest.mark.server
def test_actions_and_webhook_answer_200_with_the_token(action_server):
    status, _, body = get(
        f"{action_server.url}/actions", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 200
    assert {"name": "action_list_topics"} in json.loads(body)
    status, body = post(f"{action_server.url}/webhook", action_call("action_list_topics"), TOKEN)
    assert status == 200, body
    assert json.loads(body)["responses"], "the action answers"


@pytest.mark.server
def test_a_failing_request_gets_a_plain_error_that_echoes_nothing(action_server):
    body = json.dumps([RESIDENT_TEXT]).encode()  # not an action call: rasa-sdk fails on it
    status, reply = post(f"{action_server.url}/webhook", body, TOKEN)
    assert status == 500
    assert RESIDENT_TEXT not in reply.decode()
    assert set(json.loads(reply)) == {"error"}
    log = action_server.log.read_text(encoding="utf-8", errors="replace")
    assert "AttributeError" in log, "the failure is logged, by kind"
    assert RESIDENT_TEXT not in log


@pytest.mark.server
def test_an_unknown_path_is_a_plain_404_with_the_token(action_server):
    status, _, body = get(
        f"{action_server.url}/nowhere", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 404
    assert json.loads(body) == {"error": "Not Found"}


@pytest.mark.server
def test_the_action_server_refuses_connections_on_a_non_loopback_address(action_server):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family) as sock:
        sock.settimeout(5)
        assert sock.connect_ex((address, action_server.port)) != 0


def test_the_action_server_refuses_to_start_without_a_token(capsys):
    assert main(["--port", str(free_port())], environ={}) == 2
    assert TOKEN_ENV in capsys.readouterr().err


def test_a_taken_port_stops_the_action_server_with_a_clear_error(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)], environ={TOKEN_ENV: TOKEN}) == 1
    error = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in error and "--action-port" in error


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f"Bearer {TOKEN}", True),
        (TOKEN, False),
        (f"Bearer {TOKEN}x", False),
        (f"bearer {TOKEN}", False),
        ("Bearer ", False),
        ("Bearer \u00e9\ud800", False),
        (None, False),
    ],
)
def test_authorised_accepts_only_the_exact_bearer_token(header, expected):
    assert authorised(header, TOKEN) is expected


@pytest.mark.parametrize(
    ("value", "level"), [("DEBUG", 10), ("warning", 30), ("", 20), ("nonsense", 20)]
)
def test_the_log_level_is_read_as_the_rasa_server_reads_it(value, level):
    assert log_level({"LOG_LEVEL": value}) == level


def test_the_token_variable_is_not_passed_on_to_other_programs(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "left over")
    assert TOKEN_ENV not in server_environment()
    assert os.environ[TOKEN_ENV] == "left over"
