"""The REST channel (``POST /webhooks/rest/webhook``), hardened for anything a client sends.

Conversation ids are the server's: a request without ``sender``, or with one this server did not
issue, starts a new conversation, and every reply item's ``recipient_id`` is the id to send as
``sender`` to continue it. A bad request gets a 400 with a plain message, a client over its rate
limit a 429 at once, and a failure a polite reply.
"""

import inspect
import math
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels import limits
from assistant.channels.output import ResidentCollectingOutput
from assistant.channels.services import Services, default_services
from assistant.messages import message

CHANNEL = "rest"


def too_many(retry_after: float) -> HTTPResponse:
    """A 429 that tells the client when to try again."""
    return response.json(
        {"error": message("rate_limited")},
        status=429,
        headers={"Retry-After": str(max(1, math.ceil(retry_after)))},
    )


class ResidentRestInput(RestInput):
    """Rasa's REST protocol, but a bad request gets a clear error and a failure a polite reply.

    Request: ``{"sender": "<conversation id>", "message": "<text>", "metadata": {...}}``.
    Response: a JSON list of bot messages, always at least one for a well-formed request.
    """

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/rest/``, like Rasa's own REST channel."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Define the health and webhook routes."""
        return rest_blueprint(default_services(), on_new_message, type(self).__name__)


def rest_blueprint(
    services: Services, on_new_message: Callable[[UserMessage], Awaitable[Any]], name: str
) -> Blueprint:
    """The REST routes, with ``services`` passed in."""
    module = inspect.getmodule(rest_blueprint)
    webhook = Blueprint(f"custom_webhook_{name}", module.__name__ if module else None)
    services.bind_on_start(webhook)
    handle = services.edge.handler(on_new_message)
    settings = services.settings

    @webhook.route("/", methods=["GET"])
    async def health(request: Request) -> HTTPResponse:
        """``ok``, or ``degraded`` while the shared Redis cannot be reached (still 200)."""
        agent = getattr(request.app.ctx, "agent", None)
        lock_store = bool(getattr(getattr(agent, "lock_store", None), "degraded", False))
        rate_limits = services.per_address.degraded or services.per_conversation.degraded
        degraded = [
            name for name, down in (("lock_store", lock_store), ("rate_limits", rate_limits))
            if down
        ]  # fmt: skip
        status: dict[str, Any] = {"status": "degraded" if degraded else "ok"}
        if settings.node_id:
            status["node"] = settings.node_id
        if degraded:
            status["degraded"] = degraded
        return response.json(status)

    @webhook.route("/webhook", methods=["POST"])
    async def receive(request: Request) -> HTTPResponse:
        address = limits.client_address(request)
        wait = await services.per_address.take(address)
        if wait is not None:
            return too_many(wait)
        try:
            body = limits.json_object(request.body, settings)
            sender = limits.conversation_id(body.get("sender"), settings, "sender")
            metadata = limits.message_metadata(body.get("metadata"), settings)
        except limits.BadRequest as error:
            return response.json({"error": str(error)}, status=400)
        if sender is None or not services.ids.is_issued(sender, CHANNEL):
            sender = services.ids.issue(CHANNEL)
        else:
            wait = await services.per_conversation.take(sender)
            if wait is not None:
                return too_many(wait)
        collector = ResidentCollectingOutput()
        text = limits.message_text(body.get("message"))
        user_message = UserMessage(
            text, collector, sender, input_channel=CHANNEL, metadata=metadata
        )
        await handle(user_message)
        return response.json(collector.messages)

    return webhook
