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


def full_names(patterns: list[dict[str, str]]) -> dict[str, str]:
    """Each organisation id's full name: its first pattern (see ``organisation_patterns``)."""
    names: dict[str, str] = {}
    for pattern in patterns:
        names.setdefault(pattern["id"], pattern["pattern"])
    return names


def with_full_names(text: str, found: list[dict[str, Any]], names: dict[str, str]) -> str:
    """``text`` with each organisation found in it (``find_organisations``) written in full.

    A name written as an alias keeps its own words and gets the full name after it in
    brackets: "the ambulance service" still says "ambulance" to the classifier.
    """
    for entity in sorted(found, key=lambda e: e["start"], reverse=True):
        name = names[entity["value"]]
        if text[entity["start"] : entity["end"]].casefold() != name.casefold():
            text = text[: entity["end"]] + f" ({name})" + text[entity["end"] :]
    return text


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
