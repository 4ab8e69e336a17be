"""Button payloads: ``/<intent>{"entity": "value"}``, which Rasa reads as an intent with entities.

Actions build them for their buttons, the widget for its example questions, and the localiser
reads them to find a button's curated title.
"""

import json
import re

FAQ_INTENT = "faq"
_PAYLOAD = re.compile(r"/(?P<intent>[A-Za-z_]+)(?P<entities>\{.*\})?", flags=re.DOTALL)


def payload(intent: str, **entities: str) -> str:
    """The payload that triggers ``intent`` with ``entities``."""
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}"


def faq_payload(entry_id: str) -> str:
    """The payload that asks the knowledge-base entry ``entry_id``."""
    return payload(FAQ_INTENT, entry=entry_id)


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
