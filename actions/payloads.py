"""Button payloads: how a button asks for an entry, a topic or an organisation."""

import json

from assistant.knowledge import Entry, Organisation, Topic


def entry_button(entry: Entry) -> dict[str, str]:
    """A button that asks the entry's question."""
    return {"title": entry.question, "payload": _payload("faq", entry=entry.id)}


def topic_button(topic: Topic) -> dict[str, str]:
    """A button that lists the topic's questions."""
    return {"title": topic.title, "payload": _payload("help", topic=topic.id)}


def organisation_button(organisation: Organisation) -> dict[str, str]:
    """A button that asks what the organisation is."""
    return {
        "title": organisation.name,
        "payload": _payload("ask_organisation", organisation=organisation.id),
    }


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}"
