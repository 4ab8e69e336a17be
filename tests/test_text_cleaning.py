"""What a resident sends is made safe before anything reads it."""

import pytest

from assistant.text_cleaning import MAX_MESSAGE_CHARS, NO_TEXT_PAYLOAD, clean_message, was_cut


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
        ('/help{"topic":"gp_practices"}', '/help{"topic":"gp_practices"}'),
        (42, "42"),
        ("a\ud800b\udfffc", "abc"),  # lone surrogates cannot be stored or encoded
        ("<SCRIPT type=x>alert(1)</Script >hi <style>p{}</style>there", "hi there"),
        ("1 < 2 and 3 > 2", "1 2"),  # "< 2 and 3 >" reads as a tag: the safe side
        ("<<<b>>> bold", "bold"),
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


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("/restart", "restart"),
        ("/restart John Smith 943 476 5919", "restart John Smith 943 476 5919"),
        ("/session_start", "session_start"),
        ('/faq{"entry":"icb_what_is","x":"y"}', 'faq{"entry":"icb_what_is","x":"y"}'),
        ('/faq{"entry":"../../etc"}', 'faq{"entry":"../../etc"}'),
        ("/no_text", "no_text"),
        ("/switch_language", "switch_language"),
        ("//greet", "greet"),
    ],
)
def test_typed_slash_commands_are_words_not_commands(typed, read_as):
    """Only the payloads the assistant's own buttons carry reach Rasa as commands."""
    assert clean_message(typed) == read_as


@pytest.mark.parametrize("hostile", ["<" * 1_000_000, "<script" * 200_000, "&lt;" * 250_000])
def test_a_megabyte_of_markup_is_cut_before_it_is_cleaned(hostile):
    assert was_cut(hostile)
    assert len(clean_message(hostile)) <= MAX_MESSAGE_CHARS


def test_the_limit_is_a_setting():
    assert clean_message("word " * 100, max_chars=12) == "word word"
    assert not was_cut("word", max_chars=4) and was_cut("words", max_chars=4)
