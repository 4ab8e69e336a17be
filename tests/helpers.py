"""Helpers for tests that talk to the running assistant."""

import asyncio
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from assistant import launcher
from assistant.cluster.services import Service
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


class Clock:
    """A monotonic clock the test moves by hand (``clock.now += seconds``)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@contextmanager
def frozen(service: Service) -> Iterator[None]:
    """``service`` stopped in its tracks (SIGSTOP): its connections stay open, it answers none."""
    assert service.pid is not None
    os.kill(service.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(service.pid, signal.SIGCONT)


class OtherTask:
    """Another task on the event loop, counting its turns while the ``async with`` block runs.

    ``turns`` stays 0 if the block held the event loop throughout (a blocking call).
    """

    def __init__(self) -> None:
        self.turns = 0
        self._running = True
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "OtherTask":
        self._task = asyncio.create_task(self._turn())
        await asyncio.sleep(0)  # its first turn
        self.turns = 0
        return self

    async def __aexit__(self, *_: object) -> None:
        self._running = False
        assert self._task is not None
        await self._task

    async def _turn(self) -> None:
        while self._running:
            self.turns += 1
            await asyncio.sleep(0.01)
