"""Wrap Rasa's message handler: clean the text first, and answer politely if anything fails."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from assistant.messages import message
from assistant.text_cleaning import clean_message

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


def guarded(on_new_message: Handler) -> Handler:
    """Return a handler that cleans the message's text and never lets an error reach a resident.

    An error is logged (without the message text, which may hold personal details) and the
    resident gets the ``technical_problem`` message instead of silence or a stack trace.
    """

    async def handle(user_message: UserMessage) -> None:
        user_message.text = clean_message(user_message.text)
        try:
            await on_new_message(user_message)
        except Exception:
            logger.exception("Could not handle a message from %s", user_message.sender_id)
            await user_message.output_channel.send_text_message(
                user_message.sender_id, message("technical_problem")
            )

    return handle
