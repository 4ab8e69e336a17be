"""Which language to answer a resident in: the registry, detection, and the decision.

Pure Python, no Rasa import. ``default_registry`` loads ``data/languages.yml`` on first use;
``detect`` tells the language a message is written in (or None when it cannot be told);
``decide`` picks the language to answer in from the widget's explicit choice, a request to
switch, detection and the conversation's language.
"""

from assistant.language.decision import (
    DEFAULT_LANGUAGE,
    REASONS,
    ConversationLanguage,
    Decision,
    SwitchPhrases,
    decide,
    default_switch_phrases,
    is_choice,
    load_switch_phrases,
)
from assistant.language.detection import (
    Detection,
    RomanisedWords,
    analyse,
    default_romanised,
    detect,
    load_romanised,
)
from assistant.language.registry import Language, Registry, default_registry, load_languages

__all__ = [
    "DEFAULT_LANGUAGE",
    "REASONS",
    "ConversationLanguage",
    "Decision",
    "Detection",
    "Language",
    "Registry",
    "RomanisedWords",
    "SwitchPhrases",
    "analyse",
    "decide",
    "is_choice",
    "default_registry",
    "default_romanised",
    "default_switch_phrases",
    "detect",
    "load_languages",
    "load_romanised",
    "load_switch_phrases",
]
