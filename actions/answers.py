"""Answer knowledge-base questions, with the source cited, and follow-up questions."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import COUNTS_ENTRY, send
from actions.messaging import cite, utter
from actions.payloads import entry_button
from assistant.directory.answers import default_directory_answers
from assistant.follow_ups import Cue, FollowUpCues, default_cues, resolve
from assistant.knowledge import Entry, KnowledgeBase, default_knowledge_base
from assistant.language import DEFAULT_LANGUAGE

KB_ENTRY_SLOT = "kb_entry"
RETRIEVAL_INTENT = "faq"
# Recognised by the classifier as pointing back ("who is he?"), even with no curated cue word.
FOLLOW_UP_INTENT = "follow_up"


def button_entry_id(latest_message: dict[str, Any]) -> str | None:
    """The entry a button asks for (its ``entry`` entity), or None for a typed message."""
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "entry":
            return str(entity.get("value"))
    return None


def _selection(latest_message: dict[str, Any]) -> dict[str, Any]:
    """The classifier's entry choice for a message: its ``response`` and ``ranking``."""
    return dict((latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {})


def _entry_id(selected: dict[str, Any]) -> str | None:
    """The entry id in one ``response`` or ranking item (``faq/<entry>``), or None."""
    key = str(selected.get("intent_response_key") or "")
    prefix = f"{RETRIEVAL_INTENT}/"
    return key[len(prefix) :] if key.startswith(prefix) else None


def ranked_entry_ids(latest_message: dict[str, Any]) -> list[str]:
    """The classifier's entries for a message, its choice first, then the rest of its ranking."""
    selected = _selection(latest_message)
    ranked = [selected.get("response") or {}, *(selected.get("ranking") or [])]
    return list(dict.fromkeys(e for e in map(_entry_id, ranked) if e is not None))


def top_entry(latest_message: dict[str, Any], share: float) -> str | None:
    """The classifier's most likely entry, if its confidence is at least ``share``."""
    response = _selection(latest_message).get("response") or {}
    if float(response.get("confidence") or 0.0) >= share:
        return _entry_id(response)
    return None


def typed_entry_id(
    latest_message: dict[str, Any], last: Entry | None, kb: KnowledgeBase, cues: FollowUpCues
) -> tuple[str | None, bool]:
    """The entry a typed message asks for, read as a follow-up to ``last`` where it is one.

    Returns:
        The entry id (None: unsure or nothing fits), and whether the message pointed back.
    """
    intent = (latest_message.get("intent") or {}).get("name")
    ranked = ranked_entry_ids(latest_message)
    predicted = ranked[0] if intent == RETRIEVAL_INTENT and ranked else None
    language = str((latest_message.get("metadata") or {}).get("language") or DEFAULT_LANGUAGE)
    cue = cues.of(str(latest_message.get("text") or ""), language)
    if intent == FOLLOW_UP_INTENT and not cue.any:
        cue = Cue(refers=True)
    reading = resolve(cue, last, predicted, ranked, kb)
    return (reading.entry if reading.decides else predicted), cue.any


def answer_entry(
    dispatcher: CollectingDispatcher, kb: KnowledgeBase, entry: Entry
) -> list[EventType]:
    """Send the entry's answer citing its source, and its related questions as buttons.

    The entry with the ICS's 2022 counts of practices and PCNs is followed by today's.
    """
    source = kb.sources[entry.source]
    utter(dispatcher, "kb_answer", kb_entry=entry.id, answer=entry.answer, source=source.cited)
    cite(dispatcher, source.file)
    if entry.id == COUNTS_ENTRY:
        send(dispatcher, default_directory_answers().counts())
    related = [kb.entries[r] for r in entry.related if r in kb.entries]
    if related:
        utter(dispatcher, "related_intro", buttons=[entry_button(r) for r in related])
    return [SlotSet(KB_ENTRY_SLOT, entry.id)]


class ActionAnswerFaq(Action):
    """Answer the knowledge-base question the resident asked (typed or from a button).

    It also runs when the classifier was unsure: a follow-up ("who chairs it?", "the first
    one") is answered from the conversation's last answer, kept in the ``kb_entry`` slot.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Look the entry up and answer it; if there is none, say honestly we are not sure."""
        kb = default_knowledge_base()
        latest = tracker.latest_message
        entry_id, points_back = button_entry_id(latest), False
        if entry_id is None:
            last = kb.entry(tracker.get_slot(KB_ENTRY_SLOT) or "")
            entry_id, points_back = typed_entry_id(latest, last, kb, default_cues())
        entry = kb.entry(entry_id) if entry_id else None
        if entry is not None:
            return answer_entry(dispatcher, kb, entry)
        # Unsure, or a forged button payload: say it once (a follow-up action loops).
        if points_back:
            utter(dispatcher, "follow_up_unclear")
        else:
            dispatcher.utter_message(response="utter_not_sure")
        return []


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
