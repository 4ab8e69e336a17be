"""widget.yml: which sites may embed the widget, and clear messages when an entry is wrong."""

import pytest

from assistant.widget.config import (
    ORIGINS_ENV,
    WIDGET_FILE,
    WidgetConfigError,
    load_widget_config,
    normalise_origin,
)


def write(tmp_path, text: str):
    path = tmp_path / "widget.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_projects_file_is_valid_and_allows_no_site_by_default():
    config = load_widget_config(WIDGET_FILE, environ={})
    assert config.allowed_origins.origins == frozenset()
    assert config.reply_timeout_seconds > config.connect_timeout_seconds > 0


def test_the_file_and_the_environment_are_both_allowed(tmp_path):
    path = write(tmp_path, "allowed_origins: [https://www.Partner.nhs.uk/]\n")
    config = load_widget_config(path, environ={ORIGINS_ENV: "http://localhost:8080, https://a.org"})
    allowed = config.allowed_origins
    assert allowed("https://www.partner.nhs.uk")
    assert allowed("http://localhost:8080")
    assert allowed("https://a.org")
    assert not allowed("https://evil.example")
    assert not allowed("http://www.partner.nhs.uk")  # another scheme is another origin
    assert not allowed("http://localhost:8081")
    assert not allowed(None)


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("https://EXAMPLE.org", "https://example.org"),
        ("http://localhost:8080/", "http://localhost:8080"),
        ("https://example.org:443", "https://example.org:443"),
    ],
)
def test_origins_are_normalised_as_browsers_send_them(value, normalised):
    assert normalise_origin(value) == normalised


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("*", "expected http(s)://host[:port]"),
        ("www.partner.nhs.uk", "expected http(s)://host[:port]"),
        ("https://partner.nhs.uk/chat", "remove the path, e.g. https://partner.nhs.uk"),
        ("ftp://partner.nhs.uk", "expected http(s)://host[:port]"),
        ("https://partner.nhs.uk:99999", "is not an origin"),
    ],
)
def test_a_wrong_entry_is_named_with_its_file(tmp_path, entry, problem):
    path = write(tmp_path, f"allowed_origins: ['{entry}']\n")
    with pytest.raises(WidgetConfigError) as error:
        load_widget_config(path, environ={})
    assert str(error.value).startswith("widget.yml: ")
    assert problem in str(error.value)


def test_a_wrong_environment_entry_names_the_variable(tmp_path):
    path = write(tmp_path, "allowed_origins: []\n")
    with pytest.raises(WidgetConfigError, match=f"^{ORIGINS_ENV}: 'example.org' is not"):
        load_widget_config(path, environ={ORIGINS_ENV: "example.org"})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("allowed_origins: https://a.org\n", "'allowed_origins' must be a list"),
        ("- https://a.org\n", "expected a mapping"),
        ("reply_timeout_seconds: soon\n", "'reply_timeout_seconds' must be a number"),
        ("connect_timeout_seconds: 0\n", "'connect_timeout_seconds' must be a number"),
    ],
)
def test_a_malformed_file_is_explained(tmp_path, text, problem):
    with pytest.raises(WidgetConfigError, match=problem):
        load_widget_config(write(tmp_path, text), environ={})
