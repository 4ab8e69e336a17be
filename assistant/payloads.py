"""Button payloads: ``/<intent>{"entity": "value"}``, which Rasa reads as an intent with entities.

Actions build them for their buttons, the widget for its example questions, and the localiser
reads them to find a button's curated title.
"""

import json
import re

from assistant.directory.intents import BUTTON_ENTITIES as DIRECTORY_BUTTON_ENTITIES

FAQ_INTENT = "faq"
HELP_INTENT = "help"
ORGANISATION_INTENT = "ask_organisation"
# The only payloads a resident's client may send: those the assistant's own buttons carry, each
# intent with its one entity. Anything else that starts with "/" is read as words, not a command.
BUTTON_ENTITIES = {
    FAQ_INTENT: "entry",
    HELP_INTENT: "topic",
    ORGANISATION_INTENT: "organisation",
    **DIRECTORY_BUTTON_ENTITIES,
}
_ID = re.compile(r"[a-z0-9_]{1,64}")
_PAYLOAD = re.compile(r"/(?P<intent>[A-Za-z_]+)(?P<entities>\{.*\})?", flags=re.DOTALL)


def payload(intent: str, **entities: str) -> str:
    """The payload that triggers ``intent`` with ``entities``."""
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}"


def faq_payload(entry_id: str) -> str:
    """The payload that asks the knowledge-base entry ``entry_id``."""
    return payload(FAQ_INTENT, entry=entry_id)


def help_payload(topic_id: str) -> str:
    """The payload that lists the questions of topic ``topic_id``."""
    return payload(HELP_INTENT, topic=topic_id)


def organisation_payload(organisation_id: str) -> str:
    """The payload that asks what organisation ``organisation_id`` is."""
    return payload(ORGANISATION_INTENT, organisation=organisation_id)


def is_button_payload(text: str) -> bool:
    """Whether ``text`` is exactly a payload one of the assistant's own buttons carries."""
    match = _PAYLOAD.fullmatch(text)
    if match is None or match["intent"] not in BUTTON_ENTITIES:
        return False
    entities = payload_entities(text, match["intent"])
    key = BUTTON_ENTITIES[match["intent"]]
    return entities is not None and list(entities) == [key] and bool(_ID.fullmatch(entities[key]))


def names_practice_or_pcn(text: str) -> bool:
    """Whether ``text`` is a button payload naming a GP practice or a PCN (its title is a name)."""
    match = _PAYLOAD.fullmatch(text.strip())
    return match is not None and match["intent"] in DIRECTORY_BUTTON_ENTITIES


def payload_entities(text: str, intent: str) -> dict[str, str] | None:
    """The entities of a payload for ``intent``, or None if ``text`` is not one."""
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None or match["intent"] != intent:
        return None
    try:
        entities = json.loads(match["entities"] or "{}")
    except json.JSONDecodeError:
        return None
    return {str(k): str(v) for k, v in entities.items()} if isinstance(entities, dict) else None
