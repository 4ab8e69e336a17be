"""Whether a shared Redis answered at the last try: degraded while it does not.

The lock store and the shared rate limits each keep one. While Redis is away they work on
their server's own memory, say so once in the log, try Redis again every
:data:`RETRY_SECONDS` (not on every message, which would add a time-out to each), and say when
it is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# How long one Redis call may take (redis-py's default is none; Rasa's lock store uses 10 s).
SOCKET_TIMEOUT_SECONDS = 0.5


class RedisHealth:
    """The state of one use of Redis (``what``), and what this server does while it is away.

    Args:
        what: What Redis holds for this user ("lock store", "rate limits"), for the log.
        while_away: What this server does meanwhile, for the log.
        clock: Seconds from a monotonic clock (tests pass a fake).
    """

    def __init__(
        self, what: str, while_away: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._what = what
        self._while_away = while_away
        self._clock = clock
        self._down_since: float | None = None

    @property
    def degraded(self) -> bool:
        """Whether Redis could not be reached at the last try."""
        return self._down_since is not None

    def worth_trying(self) -> bool:
        """Whether to call Redis now: it answered last time, or it is time to try it again."""
        return self._down_since is None or self._clock() - self._down_since >= RETRY_SECONDS

    def went_away(self, error: Exception) -> None:
        """Redis failed a call: degraded (logged the first time, by the error's kind only)."""
        if self._down_since is None:
            logger.error(
                "The Redis %s cannot be reached (%s): degraded, %s.",
                self._what, type(error).__name__, self._while_away,
            )  # fmt: skip
        self._down_since = self._clock()

    def answered(self) -> None:
        """Redis answered a call: no longer degraded (logged if it was)."""
        if self._down_since is not None:
            self._down_since = None
            logger.warning("The Redis %s is reachable again: shared again.", self._what)
