"""Limits at the door: what a REST body or a socket.io event may hold, checked before use.

Each check either returns a value that is safe to pass on or raises :class:`BadRequest` with a
plain message for the client. Nothing here logs what the client sent.
"""

import json
from typing import Any

from assistant.settings import Settings

# The metadata keys the assistant reads from a client; everything else is dropped.
LANGUAGE_KEY = "language"
_MAX_LANGUAGE_CHARS = 16


class BadRequest(ValueError):
    """What the client sent cannot be used; ``str(error)`` says why, in plain words."""


def json_object(body: bytes | str, settings: Settings) -> dict[str, Any]:
    """The request's JSON object.

    Raises:
        BadRequest: If it is too large, not JSON, not an object, or nested too deeply.
    """
    if len(body) > settings.max_request_bytes:
        limit = settings.max_request_bytes
        raise BadRequest(f"The request is too large (the limit is {limit} bytes).")
    try:
        value = json.loads(body or b"{}")
    except RecursionError:
        raise BadRequest("The JSON is nested too deeply.") from None
    except ValueError:  # also UnicodeDecodeError
        raise BadRequest('Send a JSON object: {"sender": "...", "message": "..."}') from None
    if not isinstance(value, dict):
        raise BadRequest('Send a JSON object: {"sender": "...", "message": "..."}')
    if _depth(value) > settings.max_json_depth:
        raise BadRequest("The JSON is nested too deeply.")
    return value


def conversation_id(value: object, settings: Settings, field: str) -> str | None:
    """A client's conversation id, checked: None when absent.

    Raises:
        BadRequest: If it is not a string of printable characters at most
            ``settings.max_id_chars`` long.
    """
    if value is None or value == "":
        return None
    if (
        not isinstance(value, str)
        or len(value) > settings.max_id_chars
        or not value.isprintable()
    ):
        raise BadRequest(
            f'"{field}" must be text of at most {settings.max_id_chars} printable characters.'
        )
    return value


def message_metadata(value: object, settings: Settings) -> dict[str, str]:
    """The part of a message's metadata the assistant uses (the chosen language), checked.

    Rasa's socket.io protocol may send metadata as a JSON string; rasa-webchat sends it as
    ``customData``: the channel passes whichever came.

    Raises:
        BadRequest: If it is neither an object nor a JSON object string, or over
            ``settings.max_metadata_bytes``.
    """
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        if len(value.encode("utf-8", "surrogatepass")) > settings.max_metadata_bytes:
            raise _too_large(settings)
        value = json_object(value, settings)
    if not isinstance(value, dict):
        raise BadRequest('"metadata" must be a JSON object, e.g. {"language": "ur"}.')
    size = len(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > settings.max_metadata_bytes:
        raise _too_large(settings)
    language = value.get(LANGUAGE_KEY)
    if isinstance(language, str) and 0 < len(language) <= _MAX_LANGUAGE_CHARS:
        if language.isascii() and language.replace("-", "").isalnum():
            return {LANGUAGE_KEY: language.lower()}
    return {}


def message_text(value: object) -> str:
    """A message's text as a string for the edge to cut and clean; a number or list is words."""
    return value if isinstance(value, str) else "" if value is None else str(value)


def client_address(request: object) -> str:
    """The client's address: the proxy's forwarded one when Sanic is told to trust it."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "unknown")


def _too_large(settings: Settings) -> BadRequest:
    limit = settings.max_metadata_bytes
    return BadRequest(f'"metadata" is too large (the limit is {limit} bytes).')


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest
