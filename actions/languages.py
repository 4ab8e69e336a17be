"""Say which languages the assistant answers in (the worked example in docs/extending.md)."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.messaging import utter
from assistant.language import default_registry


class ActionListLanguages(Action):
    """List the languages residents can always be answered in, each by its own name."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_list_languages"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the list: every Tier-1 language (curated, needs no translation pack)."""
        names = [language.endonym for language in default_registry().tier1]
        utter(dispatcher, "languages_spoken", languages=", ".join(names))
        return []
