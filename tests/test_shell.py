"""``python -m assistant shell``: a terminal conversation, in any supported language."""

import subprocess
import sys

import pytest

from assistant.paths import PROJECT_ROOT


def shell(*args: str, lines: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "shell", *args],
        input=lines, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip


@pytest.mark.server
def test_a_conversation_in_urdu_with_buttons_pressed_by_number(stack):
    result = shell("--server", stack.url, "--language", "ur", lines="What is a PCN?\n1\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "ماخذ" in result.stdout  # "Source", in Urdu
    assert "[1] " in result.stdout
    assert result.stdout.count("ماخذ") >= 2  # the first button asked a second question


@pytest.mark.server
def test_english_by_default(stack):
    result = shell("--server", stack.url, lines="who chairs the ICS?\n")
    assert result.returncode == 0, result.stderr
    assert "Dame Yve Buckland" in result.stdout


def test_an_unknown_language_is_refused_with_the_choices():
    result = shell("--language", "xx", "--server", "http://localhost:9", lines="")
    assert result.returncode == 2
    assert "Unknown language 'xx'" in result.stderr
    assert "ur" in result.stderr


def test_an_unreachable_server_is_said_plainly():
    result = shell("--server", "http://localhost:9", lines="hello\n")
    assert result.returncode == 1
    assert "Could not reach the assistant at http://localhost:9" in result.stdout
