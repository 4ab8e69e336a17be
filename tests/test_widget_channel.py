"""The running assistant serves the widget's files, and only allowed sites' pages may connect."""

import gzip
import json

import pytest

from assistant.widget.channel import SETTINGS_PLACEHOLDER, STATIC_DIR, origin_check, widget_assets
from assistant.widget.config import AllowedOrigins
from tests.helpers import get

server = pytest.mark.server
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_no_text_in_the_settings_can_end_a_script_element():
    script = widget_assets({"strings": {"en": {"title": "</script><script>alert(1)"}}})["widget.js"]
    text = gzip.decompress(script.gzipped).decode()
    assert SETTINGS_PLACEHOLDER not in text
    assert '"title": "<\\/script><script>alert(1)"' in text


ALLOWED = AllowedOrigins(frozenset({"https://partner.example"}))


def test_the_origin_check_allows_what_the_socket_channel_allows():
    assert origin_check(ALLOWED, "https://partner.example") == {
        "allowed": True,
        "origin": "https://partner.example",
    }


def test_a_refused_origin_is_told_why_and_how_to_be_allowed():
    answer = origin_check(ALLOWED, "https://other.example")
    reason = answer["reason"]
    assert answer["allowed"] is False
    assert "This site (https://other.example) is not in the assistant's allow-list" in reason
    assert "widget.yml" in reason
    assert "BSOL_ALLOWED_ORIGINS" in reason
    assert "partner.example" not in reason  # the allow-list itself is never shown


@pytest.mark.parametrize(("origin", "says"), [(None, "no Origin header"), ("null", "no origin")])
def test_a_page_without_an_origin_is_told_it_cannot_be_allowed(origin, says):
    answer = origin_check(ALLOWED, origin)
    assert answer["allowed"] is False
    assert says in answer["reason"]


@server
def test_the_script_is_served_with_its_settings(stack):
    status, headers, body = get(f"{stack.url}/widget/widget.js")
    script = body.decode()
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")
    assert headers["x-content-type-options"] == "nosniff"
    assert SETTINGS_PLACEHOLDER not in script
    assert '"code": "ur", "name": "اردو", "dir": "rtl"' in script


@server
def test_files_are_gzipped_when_the_browser_accepts_it(stack):
    plain = get(f"{stack.url}/widget/widget.css")[2]
    status, headers, body = get(f"{stack.url}/widget/widget.css", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain == (STATIC_DIR / "widget.css").read_bytes()


@server
def test_a_browser_that_has_the_file_gets_304(stack):
    _, headers, _ = get(f"{stack.url}/widget/socket.io.min.js")
    status, _, body = get(
        f"{stack.url}/widget/socket.io.min.js", {"If-None-Match": headers["etag"]}
    )
    assert (status, body) == (304, b"")


@server
@pytest.mark.parametrize("name", ["secret.txt", "..%2Fchannel.py", "widget.yml"])
def test_nothing_else_is_served(stack, name):
    status, _, body = get(f"{stack.url}/widget/{name}")
    assert status == 404
    assert json.loads(body) == {"error": "Not found"}


@server
def test_an_allowed_partner_page_may_connect(stack, partner_port):
    origin = f"http://127.0.0.1:{partner_port}"
    status, headers, body = get(stack.url + HANDSHAKE, {"Origin": origin})
    assert status == 200
    assert headers["access-control-allow-origin"] == origin
    assert b'"sid"' in body


@server
def test_a_page_from_another_origin_is_refused(stack):
    status, headers, body = get(stack.url + HANDSHAKE, {"Origin": "https://evil.example"})
    assert status == 400
    assert "access-control-allow-origin" not in headers
    assert b"is not an accepted origin" in body


@server
def test_the_origin_check_answers_an_allowed_partner_page(stack, partner_port):
    origin = f"http://127.0.0.1:{partner_port}"
    status, headers, body = get(f"{stack.url}/widget/origin-check", {"Origin": origin})
    assert status == 200
    assert json.loads(body) == {"allowed": True, "origin": origin}
    assert headers["access-control-allow-origin"] == "*"
    assert headers["cache-control"] == "no-store"


@server
def test_the_origin_check_tells_a_refused_page_why_and_any_page_may_read_it(stack):
    status, headers, body = get(
        f"{stack.url}/widget/origin-check", {"Origin": "https://evil.example"}
    )
    answer = json.loads(body)
    assert status == 200
    assert answer["allowed"] is False
    assert "(https://evil.example) is not in the assistant's allow-list" in answer["reason"]
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers
