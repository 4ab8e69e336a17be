"""The socket.io channel the web widget speaks: Rasa's own protocol, with cleaned input.

Only pages from the origins in ``widget.yml`` (and ``BSOL_ALLOWED_ORIGINS``) may connect; Rasa's
own channel accepts every origin.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput

from assistant.channels.edge import default_edge
from assistant.widget.config import load_widget_config


class ResidentSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (works with off-the-shelf Rasa widgets), cleaned and guarded."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's channel name, so existing clients connect unchanged."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """Rasa's blueprint, every message passing through the edge (clean, language, guard).

        A browser page from an origin not on the allow-list is refused (HTTP 400) before it can
        open a session; clients that send no Origin header (servers, tests) are not browsers'
        pages and are let through, as socket.io does.
        """
        blueprint = super().blueprint(default_edge().handler(on_new_message))
        assert self.sio is not None  # set by SocketIOInput.blueprint
        self.sio.eio.cors_allowed_origins = load_widget_config().allowed_origins
        return blueprint
