"""Helpers for tests that talk to the running assistant."""

import urllib.error
import urllib.request


def post(url: str, body: bytes, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[
    int, dict[str, str], bytes
]:
    """GET ``url``: the status, the headers (lower-case names) and the body, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def reply_text(messages: list[dict]) -> str:
    """All the text of a reply, as one string."""
    return "\n".join(m.get("text") or "" for m in messages)
