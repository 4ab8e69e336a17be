"""Answer knowledge-base questions, with the source cited, and follow-up questions."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messaging import utter
from actions.payloads import entry_button
from assistant.knowledge import Entry, KnowledgeBase, Source, default_knowledge_base

KB_ENTRY_SLOT = "kb_entry"
RETRIEVAL_INTENT = "faq"


def requested_entry_id(latest_message: dict[str, Any]) -> str | None:
    """Return the entry a message asks for: a button's ``entry`` entity, else the selector pick."""
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "entry":
            return str(entity.get("value"))
    selected = (latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    prefix = f"{RETRIEVAL_INTENT}/"
    return key[len(prefix) :] if key.startswith(prefix) else None


def cite(dispatcher: CollectingDispatcher, source: Source) -> None:
    """Record the source of the message just sent in that message's metadata.

    Rasa keeps these keys in the bot message's metadata in the tracker store. ``source_file``
    is for staff; ``citation`` (title and public address) is there only where
    ``data/kb/sources.yml`` records an address, for a channel to link the title. The text
    carries the title alone.
    """
    sent = dispatcher.messages[-1]
    sent["source_file"] = source.file
    if source.url:
        sent["citation"] = {"title": source.title, "url": source.url}


def answer_entry(
    dispatcher: CollectingDispatcher, kb: KnowledgeBase, entry: Entry
) -> list[EventType]:
    """Send the entry's answer citing its source, and its related questions as buttons."""
    source = kb.sources[entry.source]
    utter(dispatcher, "kb_answer", kb_entry=entry.id, answer=entry.answer, source=source.title)
    cite(dispatcher, source)
    related = [kb.entries[r] for r in entry.related if r in kb.entries]
    if related:
        utter(dispatcher, "related_intro", buttons=[entry_button(r) for r in related])
    return [SlotSet(KB_ENTRY_SLOT, entry.id)]


class ActionAnswerFaq(Action):
    """Answer the knowledge-base question the resident asked (typed or from a button)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Look the entry up and answer it; if it does not exist, say honestly we are not sure."""
        kb = default_knowledge_base()
        entry_id = requested_entry_id(tracker.latest_message)
        entry = kb.entry(entry_id) if entry_id else None
        if entry is None:  # e.g. a forged button payload: say it once (a follow-up action loops)
            dispatcher.utter_message(response="utter_not_sure")
            return []
        return answer_entry(dispatcher, kb, entry)


class ActionAnswerMore(Action):
    """Answer "tell me more": the next related entry the resident has not been given yet."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Follow the last answer's related entries, skipping those already answered."""
        kb = default_knowledge_base()
        answered = {
            event.get("value")
            for event in tracker.events
            if event.get("event") == "slot" and event.get("name") == KB_ENTRY_SLOT
        }
        last = kb.entry(tracker.get_slot(KB_ENTRY_SLOT) or "")
        following = [r for r in (last.related if last else ()) if r not in answered]
        if not following:
            utter(dispatcher, "no_more")
            return []
        return answer_entry(dispatcher, kb, kb.entries[following[0]])
