"""The running assistant's and the demo page's protective headers; no response allows credentials.

Against the real server: the widget's files carry a strict Content-Security-Policy and
``nosniff``; the demo page a policy that allows only the assistant, no framing; and no response
(REST, socket.io's handshake, the widget's files, errors) sends
``Access-Control-Allow-Credentials``, with or without an Origin header.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from assistant.widget.demo_site import DemoSite, start_demo_site
from tests.helpers import get

pytestmark = pytest.mark.server

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
WIDGET_FILES = ["widget.js", "widget.css", "socket.io.min.js"]
REFUSED = "https://evil.example"


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def post(url: str, body: dict, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """POST JSON; the status and the headers (lower-case names), errors included."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


@pytest.fixture(scope="module")
def demo_site(stack) -> Iterator[DemoSite]:
    site = start_demo_site(stack.url, port=0, host="127.0.0.1")
    yield site
    site.stop()


@pytest.mark.parametrize("name", WIDGET_FILES)
def test_the_widgets_files_carry_a_strict_policy_and_nosniff(stack, name):
    status, headers, _ = get(f"{stack.url}/widget/{name}")
    assert status == 200
    policy = directives(headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-resource-policy"] == "cross-origin"  # partners' pages load them


@pytest.mark.parametrize("name", ["origin-check", "no-such-file.js"])
def test_the_widgets_other_answers_carry_the_same_protection(stack, name):
    _, headers, _ = get(f"{stack.url}/widget/{name}")
    assert directives(headers["content-security-policy"])["default-src"] == ["'none'"]
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/demo.css"])
def test_the_demo_page_allows_only_the_assistant_and_no_framing(stack, demo_site, path):
    status, headers, _ = get(demo_site.url.rstrip("/") + path)
    assert status == 200
    policy = directives(headers["content-security-policy"])
    assistant = stack.url  # http://localhost:PORT
    socket = "ws" + assistant.removeprefix("http")
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == [assistant]
    assert policy["style-src"] == ["'self'", assistant]
    assert policy["connect-src"] == [assistant, socket]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


GETS = [
    "/",
    "/webhooks/rest/",
    "/webhooks/socketio/",
    HANDSHAKE,
    "/widget/widget.js",
    "/widget/origin-check",
    "/no-such-page",
]


@pytest.mark.parametrize("origin", [None, "partner", REFUSED])
@pytest.mark.parametrize("path", GETS)
def test_no_answer_allows_credentials(stack, partner_port, path, origin):
    headers = {"Origin": f"http://127.0.0.1:{partner_port}" if origin == "partner" else origin}
    status, answer, _ = get(stack.url + path, headers if origin else {})
    assert status < 500
    assert "access-control-allow-credentials" not in answer


@pytest.mark.parametrize("origin", [None, "partner"])
def test_no_rest_reply_allows_credentials(stack, partner_port, origin):
    headers = {"Origin": f"http://127.0.0.1:{partner_port}"} if origin else {}
    status, answer = post(
        f"{stack.url}/webhooks/rest/webhook", {"sender": None, "message": "Hello"}, headers
    )
    assert status == 200
    assert "access-control-allow-credentials" not in answer


def test_an_allowed_partner_page_may_still_read_the_handshake(stack, partner_port):
    origin = f"http://127.0.0.1:{partner_port}"
    status, headers, _ = get(stack.url + HANDSHAKE, {"Origin": origin})
    assert status == 200
    assert headers["access-control-allow-origin"] == origin
