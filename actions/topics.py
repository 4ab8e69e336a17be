"""Show what the assistant can answer: the topics, or the questions in one topic."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.messaging import utter
from actions.payloads import entry_button, topic_button
from assistant.knowledge import default_knowledge_base

QUESTIONS_PER_TOPIC = 8


class ActionListTopics(Action):
    """List the topics as buttons; for a picked topic (a button's entity), its questions."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_list_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the topic list, or the picked topic's first questions."""
        kb = default_knowledge_base()
        topic = kb.topic(next(tracker.get_latest_entity_values("topic"), None) or "")
        if topic is None:
            utter(dispatcher, "choose_topic", buttons=[topic_button(t) for t in kb.topics])
            return []
        questions = [kb.entries[e] for e in topic.entry_ids[:QUESTIONS_PER_TOPIC]]
        utter(
            dispatcher,
            "topic_questions",
            buttons=[entry_button(e) for e in questions],
            topic=topic.title,
        )
        return []
