"""The message catalogue that code composes resident-facing text from."""

import pytest

from assistant.messages import load_messages, message


def test_placeholders_are_filled_in():
    assert (
        message("kb_answer", answer="It is 160.", source="About us")
        == "It is 160.\nSource: About us"
    )
    assert message("organisation", name="UHB", description="A trust.", source="S").startswith(
        "UHB: A trust."
    )


def test_an_unknown_message_is_an_error():
    with pytest.raises(KeyError):
        message("no_such_message")


def test_every_message_is_non_empty_text():
    assert all(text.strip() for text in load_messages("en").values())
