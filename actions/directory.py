"""Answer questions about GP practices and PCNs from the directory (data/directory)."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messaging import cite, utter
from assistant.directory.answers import Reply, default_directory_answers
from assistant.directory.store import DIRECTORY_DIR, SOURCES
from assistant.paths import PROJECT_ROOT

PRACTICE_SLOT = "gp_practice"
# The knowledge-base entry with the ICS's 2022 counts: its answer is followed by today's.
COUNTS_ENTRY = "gp_practices_how_many"
# What a directory answer cites for staff (``source_file``), as the KB cites its documents.
SOURCE_FILE = str((DIRECTORY_DIR / SOURCES).relative_to(PROJECT_ROOT))


def send(dispatcher: CollectingDispatcher, reply: Reply) -> list[EventType]:
    """Send a directory reply; remember the practice it is about."""
    utter(dispatcher, reply.key, buttons=list(reply.buttons) or None, **reply.values)
    if "source" in reply.values:
        cite(dispatcher, SOURCE_FILE)
    return [SlotSet(PRACTICE_SLOT, reply.practice)] if reply.practice else []


class ActionAnswerDirectory(Action):
    """A practice's PCN or contact details, a PCN's practices, the practices near a postcode."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_directory"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Find what the message names (or a button chose) and answer it."""
        latest = tracker.latest_message
        intent = str((latest.get("intent") or {}).get("name") or "")
        chosen = {
            str(e.get("entity")): str(e.get("value")) for e in latest.get("entities") or []
        }
        text = str(latest.get("text") or "")
        typed = "" if text.startswith("/") else text
        reply = default_directory_answers().answer(
            intent, typed, chosen, tracker.get_slot(PRACTICE_SLOT)
        )
        return send(dispatcher, reply)
