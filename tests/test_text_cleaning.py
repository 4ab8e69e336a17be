"""What a resident sends is made safe before anything reads it."""

import pytest

from assistant.text_cleaning import MAX_MESSAGE_CHARS, NO_TEXT_PAYLOAD, clean_message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  who chairs   the ICS?  ", "who chairs the ICS?"),
        ("<b>who</b> chairs the ICS", "who chairs the ICS"),
        ("<img src=x onerror=alert(1)>what is a PCN", "what is a PCN"),
        ("<script>alert(1)</script>hello", "hello"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;hello", "hello"),
        ("a\x00b\x07c\nd", "a b c d"),
        ("\u202eevil", "evil"),
        ("ਸਤ ਸ੍ਰੀ ਅਕਾਲ", "ਸਤ ਸ੍ਰੀ ਅਕਾਲ"),  # zero-width joiners and Indic marks are kept
        ("GP کیا ہے", "GP کیا ہے"),
        ('/faq{"entry":"icb_what_is"}', '/faq{"entry":"icb_what_is"}'),
        (42, "42"),
    ],
)
def test_messages_are_cleaned(raw, clean):
    assert clean_message(raw) == clean


@pytest.mark.parametrize(
    "raw", ["", "   ", None, "🙂🙂🙂", "?!...", "<script>alert(1)</script>", "\x00\x01"]
)
def test_nothing_readable_becomes_the_no_text_payload(raw):
    assert clean_message(raw) == NO_TEXT_PAYLOAD


def test_long_messages_are_cut_at_a_word_break():
    cleaned = clean_message("word " * 5000)
    assert len(cleaned) <= MAX_MESSAGE_CHARS
    assert cleaned.endswith("word")
