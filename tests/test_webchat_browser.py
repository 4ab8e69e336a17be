"""rasa-webchat, the widget most Rasa sites embed, on a partner's page against the assistant.

The real npm package's browser bundle (``assistant/widget/node_modules/rasa-webchat``) is served
with a test page from an allowed origin by this test's own little site, and driven in Debian's
Chromium. Nothing is fetched from outside this machine: every other request is aborted (the
bundle asks Google Fonts for a typeface).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, Route, WebSocket, expect

from assistant.widget.channel import WIDGET_DIR
from assistant.widget.demo_site import DemoSite, Served, rasa_webchat_page, start_site

pytestmark = pytest.mark.server

BUNDLE = WIDGET_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"
ANSWER_MS = 30_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SESSION_LOG = "session_confirm:"  # rasa-webchat logs "session_confirm:<socket> session_id:<id>"


@dataclass
class Chat:
    """A page with rasa-webchat, and what went over its WebSockets."""

    page: Page
    sockets: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def events(self, frames: list[str], name: str) -> list[Any]:
        """The socket.io events called ``name`` in ``frames`` (``42["name", data]``), as data."""
        found = []
        for frame in frames:
            if frame.startswith("42["):
                event = json.loads(frame[2:])
                if event[0] == name:
                    found.append(event[1] if len(event) > 1 else None)
        return found


@pytest.fixture(scope="module")
def webchat_site(stack, partner_port) -> Iterator[DemoSite]:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `make setup` (npm ci --prefix assistant/widget).")
    bundle = Served(BUNDLE.read_bytes(), "text/javascript; charset=utf-8")
    html = "text/html; charset=utf-8"
    site = start_site(
        {
            "/": Served(rasa_webchat_page(stack.url, "/rasa-webchat.js", {}), html),
            "/ur.html": Served(
                rasa_webchat_page(stack.url, "/rasa-webchat.js", {"language": "ur"}), html
            ),
            "/rasa-webchat.js": bundle,
        },
        port=partner_port,
        host="127.0.0.1",
    )
    yield site
    site.stop()


def stay_on_this_machine(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


def watch(chat: Chat, socket: WebSocket) -> None:
    chat.sockets.append(socket.url)
    socket.on("framereceived", lambda frame: chat.received.append(_text(frame)))
    socket.on("framesent", lambda frame: chat.sent.append(_text(frame)))


def _text(frame: str | bytes) -> str:
    return frame if isinstance(frame, str) else frame.decode("utf-8", "replace")


@pytest.fixture
def chat(browser, webchat_site) -> Iterator[Chat]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", stay_on_this_machine)
    page = context.new_page()
    chat = Chat(page)
    page.on("websocket", lambda socket: watch(chat, socket))
    page.on("pageerror", lambda error: chat.errors.append(str(error)))
    yield chat
    context.close()
    assert not chat.errors, f"the page raised: {chat.errors}"


def open_webchat(chat: Chat, url: str) -> None:
    chat.page.goto(url)
    chat.page.locator(".rw-launcher").click()
    expect(chat.page.locator(".rw-new-message")).to_be_visible()


def ask(chat: Chat, question: str, answer_contains: str) -> Locator:
    """Type a question into rasa-webchat; its answer, once shown."""
    box = chat.page.locator(".rw-new-message")
    box.fill(question)
    box.press("Enter")
    answer = chat.page.locator(".rw-response", has_text=answer_contains).first
    expect(answer).to_be_visible(timeout=ANSWER_MS)
    return answer


def test_rasa_webchat_gets_an_answer_over_a_websocket(chat, webchat_site):
    open_webchat(chat, webchat_site.url)
    ask(chat, "Who chairs the ICS?", "Dame Yve Buckland")
    assert any("transport=websocket" in url for url in chat.sockets), chat.sockets
    assert "3probe" in chat.received  # engine.io's upgrade probe answered: not stuck polling
    answers = chat.events(chat.received, "bot_uttered")
    assert any("Dame Yve Buckland" in (answer.get("text") or "") for answer in answers)


def test_the_language_chosen_in_custom_data_is_honoured(chat, webchat_site):
    open_webchat(chat, webchat_site.url + "ur.html")
    answer = ask(chat, "What is the ICS?", "ماخذ")  # "Source:", in Urdu
    expect(answer).to_contain_text("ماخذ")
    sent = chat.events(chat.sent, "user_uttered")
    assert sent and all(event["customData"] == {"language": "ur"} for event in sent)
    replies = [
        reply for reply in chat.events(chat.received, "bot_uttered") if "ماخذ" in reply["text"]
    ]
    assert replies
    assert replies[0]["metadata"]["language"] == "ur"
    assert replies[0]["metadata"]["dir"] == "rtl"


@contextmanager
def session_confirmation(chat: Chat) -> Iterator[list[str]]:
    """The session id confirmed to rasa-webchat during the block (it logs each confirmation)."""
    confirmed: list[str] = []
    with chat.page.expect_console_message(
        lambda message: message.text.startswith(SESSION_LOG), timeout=ANSWER_MS
    ) as logged:
        yield confirmed
    confirmed.append(logged.value.text.rsplit("session_id:", 1)[1])


def test_the_conversation_survives_a_reload(chat, webchat_site):
    with session_confirmation(chat) as first:
        open_webchat(chat, webchat_site.url)
    ask(chat, "What is the ICB?", "Integrated Care Board")
    with session_confirmation(chat) as again:
        chat.page.reload()
    # The server confirms the session it issued, unchanged, so rasa-webchat keeps its history.
    assert again == first
    expect(chat.page.locator(".rw-client", has_text="What is the ICB?")).to_be_visible()
    answer = chat.page.locator(".rw-response", has_text="Integrated Care Board").first
    expect(answer).to_be_visible()
    # The server still has the conversation: "tell me more" follows on from the ICB answer.
    if not chat.page.locator(".rw-new-message").is_visible():
        chat.page.locator(".rw-launcher").click()
    box = chat.page.locator(".rw-new-message")
    before = chat.page.locator(".rw-response").count()
    box.fill("tell me more")
    box.press("Enter")
    more = chat.page.locator(".rw-response").nth(before)
    expect(more).to_be_visible(timeout=ANSWER_MS)
    expect(more).not_to_contain_text("not sure")
