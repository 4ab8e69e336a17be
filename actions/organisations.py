"""Say what a partner organisation is, from the directory in the knowledge base."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer_entry, top_entry
from actions.messaging import cite, utter
from actions.payloads import organisation_button
from assistant.knowledge import default_knowledge_base

ORGANISATION_SLOT = "organisation"
# With no organisation named, a knowledge-base entry this likely (its share of the entries'
# confidence) answers the question; below it, the answers compete and the resident chooses.
CLEAR_ENTRY_SHARE = 0.5


class ActionAnswerOrganisation(Action):
    """Describe the organisation named in the message, or the one talked about last."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_organisation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Answer from the directory, else a clear entry ("which councils are in it"), else ask.

        With no organisation named or talked about, the list of partners is offered only when no
        knowledge-base entry clearly answers the question.
        """
        kb = default_knowledge_base()
        named = list(tracker.get_latest_entity_values(ORGANISATION_SLOT))
        organisation_id = named[0] if named else tracker.get_slot(ORGANISATION_SLOT)
        organisation = kb.organisation(organisation_id or "")
        if organisation is None:
            entry = kb.entry(top_entry(tracker.latest_message, CLEAR_ENTRY_SHARE) or "")
            if entry is not None:
                return answer_entry(dispatcher, kb, entry)
            utter(
                dispatcher,
                "ask_which_organisation",
                buttons=[organisation_button(org) for org in kb.organisations.values()],
            )
            return []
        source = kb.sources[organisation.source]
        utter(
            dispatcher,
            "organisation",
            name=organisation.name,
            description=organisation.description,
            source=source.cited,
        )
        cite(dispatcher, source.file)
        return [SlotSet(ORGANISATION_SLOT, organisation.id)]
