"""The knowledge base's records: sources, topics, entries (question and answer), organisations."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """A source document the knowledge base may cite (listed in ``data/kb/sources.yml``).

    Attributes:
        file: Its file name in ``../shared/sources``; for staff, never shown to residents.
        title: Its title, which residents see in every language.
        url: Its public https address, if ``sources.yml`` records one; else None.
    """

    file: str
    title: str
    url: str | None = None

    @property
    def cited(self) -> str:
        """How a reply cites it: its title, then its public address where one is recorded.

        The address in the text is a link in the widget and readable on every other channel.
        """
        return f"{self.title} ({self.url})" if self.url else self.title


@dataclass(frozen=True)
class Topic:
    """A group of entries, one per file in ``data/kb/``.

    Attributes:
        id: Snake-case identifier, the same as the file name.
        title: The title shown when a resident asks what they can ask.
        entry_ids: The ids of the topic's entries, in file order.
    """

    id: str
    title: str
    entry_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One question the assistant can answer, with its answer and the source it comes from.

    Attributes:
        id: Snake-case identifier; the retrieval intent is ``faq/<id>``.
        topic: The id of the topic the entry belongs to.
        question: The canonical question, used as a button label.
        answer: The answer in plain English.
        source: The file name of the source document the answer comes from.
        related: Ids of entries a resident may want next.
        items: For an answer that lists things, the entries about each, in the answer's order
            ("what does the first one mean?").
        person: The entry about the person the answer names or quotes ("what did he say?").
        asks: What the question asks, shared by the same question about another subject in
            another entry of the topic (``chair``: "who chairs it?" after that subject).
    """

    id: str
    topic: str
    question: str
    answer: str
    source: str
    related: tuple[str, ...] = field(default_factory=tuple)
    items: tuple[str, ...] = field(default_factory=tuple)
    person: str | None = None
    asks: str | None = None


@dataclass(frozen=True)
class Organisation:
    """A partner organisation or service in the directory.

    Attributes:
        id: Snake-case identifier, the value of the ``organisation`` entity.
        name: The organisation's full name.
        aliases: Other names residents use for it (abbreviations, short names).
        kind: What sort of organisation it is, e.g. "local authority".
        description: What it is and does, in plain English.
        source: The file name of the source document the description comes from.
    """

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    description: str
    source: str
