"""The running assistant serves the widget's files, and only allowed sites' pages may connect."""

import gzip
import json

import pytest

from assistant.widget.channel import SETTINGS_PLACEHOLDER, STATIC_DIR, widget_assets
from tests.helpers import get

server = pytest.mark.server
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_no_text_in_the_settings_can_end_a_script_element():
    script = widget_assets({"strings": {"en": {"title": "</script><script>alert(1)"}}})["widget.js"]
    text = gzip.decompress(script.gzipped).decode()
    assert SETTINGS_PLACEHOLDER not in text
    assert '"title": "<\\/script><script>alert(1)"' in text


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
