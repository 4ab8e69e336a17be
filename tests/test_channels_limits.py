"""Limits at the door: bodies, ids and metadata are checked before anything uses them."""

import json

import pytest

from assistant.channels.limits import (
    BadRequest,
    conversation_id,
    json_object,
    message_metadata,
)
from assistant.settings import Settings

SETTINGS = Settings()


def test_a_json_object_is_read():
    assert json_object(b'{"sender": "a", "message": "hi"}', SETTINGS) == {
        "sender": "a",
        "message": "hi",
    }
    assert json_object(b"", SETTINGS) == {}


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"{"])
def test_what_is_not_a_json_object_is_refused_plainly(body):
    with pytest.raises(BadRequest, match="Send a JSON object"):
        json_object(body, SETTINGS)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 50_000 + b"]" * 50_000,  # deep enough for Python's parser to give up
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        b'{"message": "hi", "metadata": ' + b"[" * 20 + b"1" + b"]" * 20 + b"}",
    ],
    ids=["50k lists", "5k objects", "21 levels"],
)
def test_deeply_nested_json_is_refused_not_a_crash(body):
    settings = Settings(max_request_bytes=len(body) + 1)
    with pytest.raises(BadRequest, match="nested too deeply"):
        json_object(body, settings)


def test_a_body_over_the_size_limit_is_refused_before_it_is_parsed():
    with pytest.raises(BadRequest, match="too large"):
        json_object(b" " * (SETTINGS.max_request_bytes + 1), SETTINGS)


@pytest.mark.parametrize("value", [None, ""])
def test_an_absent_id_is_none(value):
    assert conversation_id(value, SETTINGS, "sender") is None


@pytest.mark.parametrize(
    "value",
    ["\ud800", "a\x00b", "tab\there", "x" * 129, 7, ["a"], {"a": 1}, True],
    ids=["surrogate", "nul", "tab", "129 chars", "number", "list", "object", "bool"],
)
def test_an_unusable_id_is_refused_with_a_clear_error(value):
    with pytest.raises(BadRequest, match='"sender" must be text of at most 128 printable'):
        conversation_id(value, SETTINGS, "sender")


def test_a_usable_id_is_kept():
    assert conversation_id("r" + "x" * 127, SETTINGS, "sender") == "r" + "x" * 127


@pytest.mark.parametrize(
    ("metadata", "kept"),
    [
        ({"language": "ur"}, {"language": "ur"}),
        ({"language": "UR", "tracking": "x", "original_text": "forged"}, {"language": "ur"}),
        ('{"language": "pl"}', {"language": "pl"}),
        ({"language": "zh-Hant"}, {"language": "zh-hant"}),
        ({"language": "<script>"}, {}),
        ({"language": 5}, {}),
        ({}, {}),
        (None, {}),
    ],
)
def test_only_the_metadata_the_assistant_uses_is_kept(metadata, kept):
    assert message_metadata(metadata, SETTINGS) == kept


@pytest.mark.parametrize(
    "metadata",
    [{"blob": "x" * 5_000_000}, json.dumps({"blob": "x" * 3000}), ["language"], "not json", 5],
    ids=["5 MB object", "3 kB string", "list", "bad string", "number"],
)
def test_metadata_that_is_too_large_or_not_an_object_is_refused(metadata):
    with pytest.raises(BadRequest, match='"metadata"|JSON'):
        message_metadata(metadata, SETTINGS)
