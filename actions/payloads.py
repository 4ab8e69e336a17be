"""Buttons: how a button asks for an entry, a topic or an organisation."""

from assistant.knowledge import Entry, Organisation, Topic
from assistant.payloads import faq_payload, help_payload, organisation_payload


def entry_button(entry: Entry) -> dict[str, str]:
    """A button that asks the entry's question."""
    return {"title": entry.question, "payload": faq_payload(entry.id)}


def topic_button(topic: Topic) -> dict[str, str]:
    """A button that lists the topic's questions."""
    return {"title": topic.title, "payload": help_payload(topic.id)}


def organisation_button(organisation: Organisation) -> dict[str, str]:
    """A button that asks what the organisation is."""
    return {
        "title": organisation.name,
        "payload": organisation_payload(organisation.id),
    }
