"""The socket.io channel the web widget speaks: Rasa's own protocol, guarded.

Compatible with Rasa's channel (and so with off-the-shelf widgets such as rasa-webchat): a client
asks for a session with ``session_request``, gets its id in ``session_confirm``, sends
``user_uttered`` events and receives ``bot_uttered``. Unlike Rasa's channel:

- the server issues session ids: a request without one, or with one it did not issue, gets a
  fresh conversation, so no client can join another's conversation by naming its id;
- a connection may post only into the session it was confirmed (the ``session_id`` in a message
  is not trusted);
- packets are size-capped, metadata is filtered (``metadata`` or rasa-webchat's ``customData``),
  and each connection and address is rate-limited, with a polite message instead of a queue;
- only pages from the origins in ``widget.yml`` (and ``BSOL_ALLOWED_ORIGINS``) may connect, and no
  credentials header is sent. Clients that send no Origin header (servers, tests) are not
  browsers' pages and are let through, as socket.io does.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from assistant.channels import limits
from assistant.channels.services import Services, default_services
from assistant.widget.config import load_widget_config

logger = logging.getLogger(__name__)

CHANNEL = "socketio"
_SESSION = "session_id"


class NodeAsyncServer(AsyncServer):
    """A socket.io server whose session ids start with its node id (``BSOL_NODE_ID``).

    A client's every request after the first carries its engine.io session id (``?sid=``), so
    a balancer in front of several servers keeps each session on the server that issued it by
    that prefix alone: no cookie (which a partner's page may not be allowed to keep) and no
    client address (residents behind one network would all land on one server).
    """

    def __init__(self, node_id: str, **options: Any) -> None:
        self._node_id = node_id
        super().__init__(**options)

    def _engineio_server_class(self) -> type:
        base = super()._engineio_server_class()
        if not self._node_id:
            return base
        prefix = f"{self._node_id}-"

        class NodeEngineIOServer(base):  # type: ignore[misc, valid-type]
            def generate_id(self) -> str:
                return prefix + super().generate_id()

        return NodeEngineIOServer


class ResidentSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (works with off-the-shelf Rasa widgets), cleaned and guarded."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's channel name, so existing clients connect unchanged."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """The socket.io server and its events, every message passing through the edge."""
        services = default_services()
        settings = services.settings
        sio = NodeAsyncServer(
            settings.node_id,
            async_mode="sanic",
            cors_allowed_origins=load_widget_config().allowed_origins,
            cors_credentials=False,
            max_http_buffer_size=settings.max_request_bytes,
        )
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        services.bind_on_start(blueprint)
        events = SessionEvents(sio, services, self.bot_message_evt, on_new_message)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        sio.on("connect", namespace=self.namespace)(events.connect)
        sio.on("session_request", namespace=self.namespace)(events.session_request)
        sio.on(self.user_message_evt, namespace=self.namespace)(events.user_uttered)
        return blueprint


class SessionEvents:
    """The channel's event handlers; each connection's session is kept server-side."""

    def __init__(
        self,
        sio: AsyncServer,
        services: Services,
        bot_message_evt: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        self._sio = sio
        self._services = services
        self._bot_message_evt = bot_message_evt
        self._handle = services.edge.handler(on_new_message)

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        """Remember the client's address (for its rate limit)."""
        address = limits.client_address(environ.get("sanic.request"))
        await self._sio.save_session(sid, {"address": address})
        return True

    async def session_request(self, sid: str, data: Any = None, *_extra: Any) -> None:
        """Confirm the client's session if this server issued it, else start a fresh one."""
        requested = data.get(_SESSION) if isinstance(data, dict) else None
        if not self._services.ids.is_issued(requested, CHANNEL):
            requested = self._services.ids.issue(CHANNEL)
        await self._confirm(sid, str(requested))

    async def user_uttered(self, sid: str, data: Any = None, *_extra: Any) -> None:
        """Handle a message in the connection's own session (never one it merely names)."""
        state = await self._sio.get_session(sid)
        settings = self._services.settings
        output = SocketIOOutput(self._sio, self._bot_message_evt)
        session = state.get(_SESSION)
        if session is None:  # a client that skipped session_request (Rasa's protocol allows it)
            named = data.get(_SESSION) if isinstance(data, dict) else None
            session = named if self._services.ids.is_issued(named, CHANNEL) else None
            session = await self._confirm(sid, session or self._services.ids.issue(CHANNEL))
        if not isinstance(data, dict):
            await self._refuse(output, session, "bad_request")
            return
        try:
            raw = data.get("metadata") or data.get("customData")
            metadata = limits.message_metadata(raw, settings)
        except limits.BadRequest:
            await self._refuse(output, session, "bad_request")
            return
        address = state.get("address", "unknown")
        services = self._services
        if await services.per_address.take(address) is not None or (
            await services.per_conversation.take(session) is not None
        ):
            await self._refuse(output, session, "rate_limited", metadata)
            return
        text = data.get("message")
        if text is None or text == "":
            return  # rasa-webchat opens its chat with an empty message: there is nothing to answer
        await self._handle(
            UserMessage(
                limits.message_text(text), output, session, input_channel=CHANNEL,
                metadata=metadata,
            )
        )

    async def _confirm(self, sid: str, session: str) -> str:
        state = await self._sio.get_session(sid)
        previous = state.get(_SESSION)
        if previous and previous != session:
            self._sio.leave_room(sid, previous)
        state[_SESSION] = session
        await self._sio.save_session(sid, state)
        self._sio.enter_room(sid, session)
        await self._sio.emit("session_confirm", session, room=sid)
        return session

    async def _refuse(
        self,
        output: SocketIOOutput,
        session: str,
        key: str,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Tell the resident at once (in their chosen language, if they sent one)."""
        edge = self._services.edge
        language = edge.language((metadata or {}).get(limits.LANGUAGE_KEY))
        message = UserMessage("", edge.localising(output, language), session)
        await edge.reply(message, key)
