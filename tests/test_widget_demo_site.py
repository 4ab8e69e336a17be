"""The demo page: a partner's page on another origin, with the one documented tag."""

import urllib.error
import urllib.request

import pytest

from assistant.widget.demo_site import snippet, start_demo_site


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
