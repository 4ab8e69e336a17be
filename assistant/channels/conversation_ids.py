"""Conversation ids the server issues: unguessable, signed, and never shared between channels.

An id is ``<channel letter><random token>.<signature>``: 128 random bits, signed with HMAC-SHA256
over the channel and the token. A client can only continue a conversation whose id it was given;
an id it made up, or one issued for the other channel, fails the check and the client gets a new
conversation. Signed ids need no table: every server that shares the secret (all servers behind
a balancer) checks them alike, and they survive a restart when the secret does.
"""

import base64
import hashlib
import hmac
import logging
import secrets

logger = logging.getLogger(__name__)

CHANNEL_LETTERS = {"rest": "r", "socketio": "s"}
_TOKEN_BYTES = 16
_SIGNATURE_BYTES = 12


class ConversationIds:
    """Issues and checks conversation ids for the REST and socket.io channels.

    Args:
        secret: The signing key (``BSOL_CONVERSATION_SECRET``); with none, a random key for this
            process only, so ids stop being valid when it restarts (logged).
    """

    def __init__(self, secret: str = "") -> None:
        if not secret:
            logger.warning(
                "No BSOL_CONVERSATION_SECRET is set: conversation ids will not survive a restart "
                "or be shared by several servers (the launcher sets one)."
            )
            secret = secrets.token_hex(32)
        self._key = secret.encode("utf-8")

    def issue(self, channel: str) -> str:
        """A new conversation id for ``channel`` ("rest" or "socketio")."""
        token = _text(secrets.token_bytes(_TOKEN_BYTES))
        prefix = CHANNEL_LETTERS[channel] + token
        return f"{prefix}.{self._signature(prefix)}"

    def is_issued(self, value: object, channel: str) -> bool:
        """Whether ``value`` was issued for ``channel`` by a server that shares this secret."""
        if not isinstance(value, str) or len(value) > 64 or not value.isascii():
            return False
        if not value.startswith(CHANNEL_LETTERS[channel]):
            return False
        prefix, dot, signature = value.partition(".")
        return bool(dot) and hmac.compare_digest(signature, self._signature(prefix))

    def pseudonym(self, value: str) -> str:
        """A keyed digest of ``value`` (an id, an address) to store in its place.

        The same on every server that shares the secret; not to be guessed back without it, even
        for a value with few possibilities (an IPv4 address). Never a valid signature.
        """
        digest = hmac.new(self._key, b"pseudonym\0" + value.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _signature(self, prefix: str) -> str:
        digest = hmac.new(self._key, prefix.encode("utf-8"), hashlib.sha256).digest()
        return _text(digest[:_SIGNATURE_BYTES])


def _text(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
