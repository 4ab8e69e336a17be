"""Output channels that send each bot message localised, with its language and text direction.

Every message leaving the assistant goes through ``LocalisingOutput``; it adds
``metadata: {"language", "dir", "translation"}`` so a client (the widget) can render it.
"""

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.core.channels.socketio import SocketIOOutput

from assistant.language import Language
from assistant.translation.localiser import Localiser

# Keys that only the localiser needs; they are not sent to clients.
# Kept in the tracker store for staff and the localiser, never sent to a resident as they are.
INTERNAL_KEYS = (
    "message_key", "message_values", "kb_entry", "utter_action", "timestamp", "source_file",
)  # fmt: skip


class LocalisingOutput(OutputChannel):
    """Wraps the channel's own output: localises each message, then sends it on.

    Attributes:
        sent: How many messages it has sent (the edge tells the resident when a turn sent none).
    """

    def __init__(self, inner: OutputChannel, language: Language, localiser: Localiser) -> None:
        self._inner = inner
        self._language = language
        self._localiser = localiser
        self.sent = 0
        self._noticed: set[str] = set()  # a reply gives each notice once, in its first message

    def name(self) -> str:
        """The wrapped channel's name (Rasa picks channel-specific responses by it)."""
        return self._inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Localise one bot message and send it through the wrapped channel."""
        localised = await self._localiser.localise(message, self._language.code, self._noticed)
        if localised.notice:
            self._noticed.add(localised.notice)
        payload = {k: v for k, v in message.items() if k not in INTERNAL_KEYS and v is not None}
        payload["text"] = localised.text
        if localised.buttons:
            payload["buttons"] = localised.buttons
        payload["metadata"] = {
            "language": self._language.code,
            "dir": self._language.direction,
            "translation": localised.translation,
        }
        if isinstance(self._inner, SocketIOOutput):
            await self._inner._send_message(recipient_id, socketio_message(payload))
        else:
            await self._inner.send_response(recipient_id, payload)
        self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a plain text (e.g. the edge's own technical-problem message), localised."""
        await self.send_response(recipient_id, {"text": text, **kwargs})


class ResidentCollectingOutput(CollectingOutputChannel):
    """Collects each message whole (Rasa's collector splits texts and drops the metadata)."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Keep the message's text, buttons and metadata as one REST reply item."""
        item: dict[str, Any] = {"recipient_id": recipient_id, "text": message.get("text")}
        for key in ("buttons", "image", "custom", "metadata"):
            if message.get(key):
                item[key] = message[key]
        await self._persist_message(item)


def socketio_message(payload: dict[str, Any]) -> dict[str, Any]:
    """A message in Rasa's socket.io format: buttons as ``quick_replies``, plus metadata."""
    message: dict[str, Any] = {"text": payload.get("text"), "metadata": payload["metadata"]}
    if payload.get("buttons"):
        message["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]}
            for b in payload["buttons"]
        ]
    return message
