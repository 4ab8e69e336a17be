"""Helpers for tests that talk to the running assistant."""

import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from assistant import launcher
from assistant.launcher import free_port
from assistant.settings import OPEN_RATE_LIMITS

# The whole suite talks to its servers from 127.0.0.1, faster than any resident: their rate
# limits are lifted (OPEN_RATE_LIMITS), and tests/test_rate_limits_server.py checks them on a
# server of its own.


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


def non_loopback_address() -> str | None:
    """An address of this machine other than loopback, if it has one."""
    try:
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10)
        candidates = found.stdout.split()
    except (OSError, subprocess.SubprocessError):
        candidates = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only picks the route's source
            candidates.append(probe.getsockname()[0])
        except OSError:
            pass
    for address in candidates:
        if not (address.startswith("127.") or address in ("::1", "0.0.0.0")):
            return address
    return None


@contextmanager
def own_stack(
    model: Path, folder: Path, environment: Mapping[str, str] = OPEN_RATE_LIMITS, **options: object
) -> Iterator[launcher.Stack]:
    """A real Rasa server and action server of a test's own, on free ports, kept in ``folder``."""
    with launcher.running(
        model=model, port=free_port(), action_port=free_port(),
        tracker_db=folder / "tracker.db", log_dir=folder / "logs",
        environment=dict(environment), **options,
    ) as stack:  # fmt: skip
        yield stack
