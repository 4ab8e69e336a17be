"""The public-service settings: limits, binding, the id secret, the stores servers share.

Every value comes from an environment variable (so a deployment changes it without editing a
file) and has a safe default. Read once, where a server starts, with :func:`load_settings`, and
pass the result to what needs it; a wrong value stops the start with a message that names it.
"""

import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "BSOL_"
# Rate limits lifted, for tests and benchmarks whose whole load comes from one address.
OPEN_RATE_LIMITS = {
    f"{PREFIX}RATE_PER_ADDRESS": "1000000/1",
    f"{PREFIX}RATE_PER_CONVERSATION": "1000000/1",
}


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class RateLimit:
    """At most ``messages`` in any ``seconds`` (a token bucket: bursts up to ``messages``)."""

    messages: int
    seconds: float

    @classmethod
    def parse(cls, value: str, name: str) -> "RateLimit":
        """Read ``"<messages>/<seconds>"``, e.g. ``"10/10"``."""
        try:
            messages, seconds = value.split("/")
            limit = cls(int(messages), float(seconds))
        except ValueError:
            raise SettingsError(
                f"{name}={value!r}: write it as <messages>/<seconds>, e.g. 10/10"
            ) from None
        if limit.messages < 1 or limit.seconds <= 0:
            raise SettingsError(f"{name}={value!r}: both numbers must be positive")
        return limit


@dataclass(frozen=True)
class Settings:
    """What a public deployment may tune (environment variable in brackets).

    Attributes:
        max_request_bytes: The largest HTTP request or socket.io packet (BSOL_MAX_REQUEST_BYTES).
        max_message_chars: A message is cut to this many characters (BSOL_MAX_MESSAGE_CHARS).
        max_metadata_bytes: The largest metadata a message may carry (BSOL_MAX_METADATA_BYTES).
        max_id_chars: The longest conversation (sender or session) id (fixed at 128).
        max_json_depth: The deepest nesting a JSON body may have (fixed at 20).
        conversation_rate: Messages allowed per conversation (BSOL_RATE_PER_CONVERSATION).
        address_rate: Requests allowed per client address (BSOL_RATE_PER_ADDRESS).
        retention_days: Stored conversations are deleted after this many days
            (BSOL_RETENTION_DAYS; 0 keeps them for ever).
        translation_budget_seconds: How long a reply may wait for machine translation before it
            goes out in English (BSOL_TRANSLATION_BUDGET_SECONDS).
        host: The address the Rasa server listens on (BSOL_HOST; the action server always
            listens on 127.0.0.1).
        conversation_secret: The key conversation ids are signed with
            (BSOL_CONVERSATION_SECRET; the launcher makes one in ``var/`` when it is unset).
        tracker_store_url: Where conversations are kept, ``postgresql://user:password@host:port/db``
            (BSOL_TRACKER_STORE_URL; empty: SQLite in ``var/``, for one machine).
        lock_store_url: Where a conversation's lock is kept while a message is handled, so two
            servers never handle one conversation at once, and the rate limits are counted for
            every server, ``redis://[:password@]host:port/db`` (BSOL_LOCK_STORE_URL; empty: in
            the server's memory, for one server).
        node_id: This server's name among several (BSOL_NODE_ID, up to 8 letters or digits;
            empty: one server). Its socket.io session ids start with it, so a balancer can keep
            each session on its server.
    """

    max_request_bytes: int = 64 * 1024
    max_message_chars: int = 1000
    max_metadata_bytes: int = 2048
    max_id_chars: int = 128
    max_json_depth: int = 20
    conversation_rate: RateLimit = RateLimit(10, 10.0)
    address_rate: RateLimit = RateLimit(120, 10.0)
    retention_days: int = 90
    translation_budget_seconds: float = 1.5
    host: str = "127.0.0.1"
    conversation_secret: str = ""
    tracker_store_url: str = ""
    lock_store_url: str = ""
    node_id: str = ""


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """The settings from ``environ``, defaults for what it does not set.

    Raises:
        SettingsError: If a value is not of the right kind or out of range.
    """
    defaults = Settings()
    return Settings(
        max_request_bytes=_int(environ, "MAX_REQUEST_BYTES", defaults.max_request_bytes, 1024),
        max_message_chars=_int(environ, "MAX_MESSAGE_CHARS", defaults.max_message_chars, 10),
        max_metadata_bytes=_int(environ, "MAX_METADATA_BYTES", defaults.max_metadata_bytes, 64),
        conversation_rate=_rate(environ, "RATE_PER_CONVERSATION", defaults.conversation_rate),
        address_rate=_rate(environ, "RATE_PER_ADDRESS", defaults.address_rate),
        retention_days=_int(environ, "RETENTION_DAYS", defaults.retention_days, 0),
        translation_budget_seconds=_seconds(
            environ, "TRANSLATION_BUDGET_SECONDS", defaults.translation_budget_seconds
        ),
        host=environ.get(PREFIX + "HOST", defaults.host).strip() or defaults.host,
        conversation_secret=environ.get(PREFIX + "CONVERSATION_SECRET", ""),
        tracker_store_url=_url(environ, "TRACKER_STORE_URL", ("postgresql",)),
        lock_store_url=_url(environ, "LOCK_STORE_URL", ("redis",)),
        node_id=_node_id(environ),
    )


def _url(environ: Mapping[str, str], key: str, schemes: tuple[str, ...]) -> str:
    value = environ.get(PREFIX + key, "").strip()
    if not value:
        return ""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        wanted = " or ".join(f"{scheme}://host:port/..." for scheme in schemes)
        raise SettingsError(f"{PREFIX}{key}: must be a URL like {wanted}")
    try:
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise SettingsError(f"{PREFIX}{key}: its port must be a number") from None
    if parts.scheme == "redis" and not re.fullmatch(r"/?\d*", parts.path):
        raise SettingsError(f"{PREFIX}{key}: its database must be a number (redis://host:port/0)")
    return value


def _node_id(environ: Mapping[str, str]) -> str:
    value = environ.get(PREFIX + "NODE_ID", "").strip()
    if value and not re.fullmatch(r"[a-z0-9]{1,8}", value):
        raise SettingsError(f"{PREFIX}NODE_ID={value!r}: must be 1 to 8 lower-case letters "
                            "or digits")  # fmt: skip
    return value


def _int(environ: Mapping[str, str], key: str, default: int, minimum: int) -> int:
    value = environ.get(PREFIX + key)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{key}={value!r}: must be a whole number") from None
    if number < minimum:
        raise SettingsError(f"{PREFIX}{key}={value!r}: must be at least {minimum}")
    return number


def _seconds(environ: Mapping[str, str], key: str, default: float) -> float:
    value = environ.get(PREFIX + key)
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{key}={value!r}: must be a number of seconds") from None
    if not 0 < seconds < 3600:
        raise SettingsError(f"{PREFIX}{key}={value!r}: must be more than 0 and under 3600")
    return seconds


def _rate(environ: Mapping[str, str], key: str, default: RateLimit) -> RateLimit:
    value = environ.get(PREFIX + key)
    if value is None or not value.strip():
        return default
    return RateLimit.parse(value.strip(), PREFIX + key)
