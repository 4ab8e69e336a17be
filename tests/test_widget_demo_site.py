"""The demo page: a partner's page on another origin, with the one documented tag."""

import json
import re
import urllib.error
import urllib.request

import pytest

from assistant.widget.demo_site import (
    content_security_policy,
    demo_page,
    rasa_webchat_page,
    snippet,
    start_demo_site,
)


def test_the_snippet_is_one_deferred_script_tag():
    assert snippet("https://assistant.example/", language="ur") == (
        '<script src="https://assistant.example/widget/widget.js" '
        'data-server="https://assistant.example" data-language="ur" defer></script>'
    )


def test_options_cannot_break_out_of_the_tag():
    tag = snippet("https://assistant.example", title='"><script>alert(1)</script>')
    assert tag.count("<script") == 1
    assert "&quot;&gt;&lt;script&gt;" in tag


def test_the_page_embeds_the_widget_and_shows_the_snippet():
    site = start_demo_site("http://localhost:5005", port=0, host="127.0.0.1", position="left")
    try:
        with urllib.request.urlopen(site.url, timeout=5) as reply:
            page = reply.read().decode()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(site.url + "secret.txt", timeout=5)
    finally:
        site.stop()
    tag = snippet("http://localhost:5005", position="left")
    assert tag in page
    assert "&lt;script src=&quot;http://localhost:5005/widget/widget.js&quot;" in page
    assert missing.value.code == 404


def test_the_pages_policy_allows_the_assistant_over_http_and_websocket():
    assert content_security_policy("https://assistant.example/path/") == (
        "default-src 'none'; script-src https://assistant.example; "
        "style-src 'self' https://assistant.example; "
        "connect-src https://assistant.example wss://assistant.example; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    assert "connect-src http://localhost:5005 ws://localhost:5005;" in content_security_policy(
        "http://localhost:5005"
    )


def test_the_page_needs_no_inline_script_or_style():
    page = demo_page("http://localhost:5005").decode()
    assert "<style" not in page and " style=" not in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all(" src=" in attributes for attributes in scripts)


def test_the_page_is_served_with_its_policy_and_stylesheet():
    site = start_demo_site("http://localhost:5005", port=0, host="127.0.0.1")
    try:
        with urllib.request.urlopen(site.url, timeout=5) as reply:
            headers = reply.headers
        with urllib.request.urlopen(site.url + "demo.css", timeout=5) as reply:
            stylesheet = reply.headers["Content-Type"], reply.read().decode()
    finally:
        site.stop()
    assert headers["Content-Security-Policy"] == content_security_policy("http://localhost:5005")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert stylesheet[0].startswith("text/css")
    assert "font-family" in stylesheet[1]


def test_the_rasa_webchat_page_sends_the_language_as_custom_data_and_cannot_be_broken_out_of():
    page = rasa_webchat_page(
        "http://localhost:5005", "/rasa-webchat.js", {"language": "</script><script>alert(1)"}
    ).decode()
    assert '<script src="/rasa-webchat.js"></script>' in page
    assert 'socketUrl: "http://localhost:5005"' in page
    assert page.count("</script") == 2  # only the two elements' own end tags
    custom = re.search(r"customData: (\{.*\}),", page).group(1)
    assert json.loads(custom.replace("<\\/", "</")) == {"language": "</script><script>alert(1)"}
