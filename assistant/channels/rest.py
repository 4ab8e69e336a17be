"""The REST channel (``POST /webhooks/rest/webhook``), hardened for anything a client sends."""

import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.edge import default_edge
from assistant.channels.output import ResidentCollectingOutput
from assistant.messages import message
from assistant.text_cleaning import clean_message

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


def sender_id(value: Any) -> str:
    """Return a usable conversation id: the client's (printable, bounded) or a new random one."""
    if isinstance(value, str | int):
        cleaned = "".join(ch for ch in str(value) if ch.isprintable()).strip()[:MAX_SENDER_CHARS]
        if cleaned:
            return cleaned
    return uuid.uuid4().hex


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
        module = inspect.getmodule(self)
        webhook = Blueprint(
            f"custom_webhook_{type(self).__name__}", module.__name__ if module else None
        )
        handle = default_edge().handler(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                body = None
            if not isinstance(body, dict):
                return response.json(
                    {"error": 'Send a JSON object: {"sender": "...", "message": "..."}'}, status=400
                )
            sender = sender_id(body.get("sender"))
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = ResidentCollectingOutput()
            text = clean_message(body.get("message"))  # before UserMessage, which needs a string
            user_message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            await handle(user_message)
            if not collector.messages:
                logger.error("No reply was produced for %s", sender)
                await user_message.output_channel.send_text_message(
                    sender, message("technical_problem")
                )
            return response.json(collector.messages)

        return webhook
