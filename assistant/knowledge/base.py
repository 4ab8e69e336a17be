"""The knowledge base as the rest of the assistant sees it: look-ups, no parsing."""

from dataclasses import dataclass

from assistant.knowledge.models import Entry, Organisation, Source, Topic


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base.

    Attributes:
        sources: Every source document by file name.
        topics: The topics in file-name order.
        entries: Every entry by id.
        organisations: Every organisation in the directory by id.
    """

    sources: dict[str, Source]
    topics: tuple[Topic, ...]
    entries: dict[str, Entry]
    organisations: dict[str, Organisation]

    def entry(self, entry_id: str) -> Entry | None:
        """Return the entry with this id, or None."""
        return self.entries.get(entry_id)

    def organisation(self, organisation_id: str) -> Organisation | None:
        """Return the organisation with this id, or None."""
        return self.organisations.get(organisation_id)

    def topic(self, topic_id: str) -> Topic | None:
        """Return the topic with this id, or None."""
        return next((topic for topic in self.topics if topic.id == topic_id), None)
