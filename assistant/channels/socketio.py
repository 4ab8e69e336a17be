"""The socket.io channel the web widget speaks: Rasa's own protocol, with cleaned input."""

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput

from assistant.channels.edge import default_edge


class ResidentSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (works with off-the-shelf Rasa widgets), cleaned and guarded."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's channel name, so existing clients connect unchanged."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """Rasa's blueprint, every message passing through the edge (clean, language, guard)."""
        return super().blueprint(default_edge().handler(on_new_message))
