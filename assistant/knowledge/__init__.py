"""The curated knowledge base: the single place the assistant's answer text lives.

Pure Python, no Rasa import. ``load_knowledge_base`` reads and validates ``data/kb/*.yml``;
``default_knowledge_base`` loads the project's own knowledge base once and keeps it.
"""

from functools import lru_cache

from assistant.knowledge.base import KnowledgeBase
from assistant.knowledge.loader import KnowledgeBaseError, load_knowledge_base
from assistant.knowledge.models import Entry, Organisation, Source, Topic
from assistant.paths import KB_DIR

__all__ = [
    "Entry",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Organisation",
    "Source",
    "Topic",
    "default_knowledge_base",
    "load_knowledge_base",
]


@lru_cache(maxsize=1)
def default_knowledge_base() -> KnowledgeBase:
    """Load the project's knowledge base (``data/kb``) on first use and keep it."""
    return load_knowledge_base(KB_DIR)
