"""Shared fixtures: the knowledge base, and the real assistant running on localhost."""

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from assistant import launcher
from assistant.cluster import services
from assistant.knowledge import KnowledgeBase, default_knowledge_base
from assistant.launcher import free_port
from assistant.paths import DEFAULT_MODEL
from tests.browser import launch_chromium
from tests.helpers import own_stack, post

Ask = Callable[..., list[dict]]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[services.Service]:
    """A real Redis of the test's own, on a free port, nothing saved to disk."""
    server = services.redis(tmp_path / "redis", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
    with own_stack(
        trained_model, tmp_path_factory.mktemp("stack"),
        allowed_origins=[f"http://127.0.0.1:{partner_port}"],
    ) as running:  # fmt: skip
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, for the browser tests."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


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
