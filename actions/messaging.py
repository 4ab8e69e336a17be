"""Send a catalogue message (data/messages) with what the edge needs to localise it."""

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from assistant.messages import message


def utter(
    dispatcher: CollectingDispatcher,
    key: str,
    *,
    buttons: list[dict[str, Any]] | None = None,
    kb_entry: str | None = None,
    **values: str,
) -> None:
    """Send message ``key`` in English, with its key and values for the channel's localiser.

    Args:
        dispatcher: The action's dispatcher.
        key: The message's name in ``data/messages/en.yml``.
        buttons: Buttons to show with it.
        kb_entry: The knowledge-base entry whose answer is in ``values["answer"]``, if any.
        **values: The values of the message's placeholders.
    """
    dispatcher.utter_message(
        text=message(key, **values),
        buttons=buttons,
        message_key=key,
        message_values=values,
        kb_entry=kb_entry,
    )


def cite(dispatcher: CollectingDispatcher, source_file: str) -> None:
    """Record the source file of the message just sent, for staff, in that message.

    Rasa keeps ``source_file`` with the bot message in the tracker store; the channels never send
    it. The text itself cites the source's title (and its public address, or its date).
    """
    dispatcher.messages[-1]["source_file"] = source_file
