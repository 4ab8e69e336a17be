"""Shared fixtures: the knowledge base, and the real assistant running on localhost."""

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant import launcher
from assistant.knowledge import KnowledgeBase, default_knowledge_base
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL
from tests.helpers import post

Ask = Callable[..., list[dict]]
# The whole suite talks to one server from 127.0.0.1, faster than any resident: its rate limits
# are lifted here, and tests/test_rate_limits_server.py checks them on a server of its own.
UNLIMITED = {"BSOL_RATE_PER_ADDRESS": "1000000/1", "BSOL_RATE_PER_CONVERSATION": "1000000/1"}


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge_base()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"No trained model at {DEFAULT_MODEL}: run the tests with `make test`.")
    return DEFAULT_MODEL


@pytest.fixture(scope="session")
def partner_port() -> int:
    """The port of a partner's page (another origin) that the assistant allows to embed it."""
    return free_port()


@pytest.fixture(scope="session")
def stack(
    trained_model: Path, partner_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[launcher.Stack]:
    """The trained assistant: a real Rasa server and action server on free localhost ports."""
    tmp = tmp_path_factory.mktemp("stack")
    with launcher.running(
        model=trained_model,
        port=free_port(),
        action_port=free_port(),
        tracker_db=tmp / "tracker.db",
        log_dir=tmp / "logs",
        allowed_origins=[f"http://127.0.0.1:{partner_port}"],
        environment=UNLIMITED,
    ) as running:
        yield running


@pytest.fixture
def ask(stack: launcher.Stack) -> Ask:
    """Send a message through the REST channel; each test gets its own conversation.

    The server issues conversation ids: the first reply's ``recipient_id`` is sent back as
    ``sender`` to continue. ``sender=`` names another conversation of the same test.
    """
    conversation = uuid.uuid4().hex
    issued: dict[str, str] = {}

    def send(text: object, sender: str | None = None) -> list[dict]:
        name = sender or conversation
        body = json.dumps({"sender": issued.get(name), "message": text}).encode()
        status, payload = post(f"{stack.url}/webhooks/rest/webhook", body)
        assert status == 200, payload
        messages = json.loads(payload)
        issued[name] = messages[0]["recipient_id"]
        return messages

    return send
