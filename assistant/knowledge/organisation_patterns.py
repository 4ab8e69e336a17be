"""spaCy entity-ruler patterns for the organisations in the knowledge base, and a matcher."""

from typing import Any

import spacy
from spacy.language import Language

from assistant.knowledge.base import KnowledgeBase

ENTITY = "organisation"


def organisation_patterns(kb: KnowledgeBase) -> list[dict[str, str]]:
    """Return one phrase pattern per organisation name and alias, labelled with its id."""
    return [
        {"label": ENTITY, "pattern": label, "id": org.id}
        for org in kb.organisations.values()
        for label in (org.name, *org.aliases)
    ]


def build_matcher(patterns: list[dict[str, str]]) -> Language:
    """Build a blank English spaCy pipeline whose entity ruler finds the patterns (any case)."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def find_organisations(nlp: Language, text: str) -> list[dict[str, Any]]:
    """Return the organisations named in ``text`` as Rasa entity dictionaries."""
    return [
        {"entity": ENTITY, "value": ent.ent_id_, "start": ent.start_char, "end": ent.end_char}
        for ent in nlp(text).ents
        if ent.label_ == ENTITY
    ]
