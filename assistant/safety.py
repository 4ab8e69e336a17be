"""Recognise messages that need emergency, crisis or urgent-care signposting, before anything else.

The phrase lists are curated data, never machine-translated: English in ``data/safety/en.yml``,
every other language in ``translations/safety/<code>.yml``: each language of the registry
(``data/languages.yml`` ``languages:``) and the safety-only languages (``safety_only:``), which
many residents speak but which nothing else is curated or machine-translated for. A match also
says which languages' phrases it was, so that the reply can be in the language the resident
wrote in even when nothing else told that language (``SafetyPhrases.reply_language``).
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.language.detection import detect
from assistant.language.registry import (
    DIRECTIONS,
    LANGUAGES_FILE,
    Language,
    Registry,
    default_registry,
)
from assistant.paths import SAFETY_DIR, TRANSLATIONS_DIR
from assistant.text_matching import normalise
from assistant.translation.curated import curated
from assistant.translation.localiser import SAFETY_RESPONSES

# Scripts written without spaces between words: a phrase in them matches anywhere in a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
TRANSLATED_SAFETY_DIR = TRANSLATIONS_DIR / "safety"
ENGLISH = "en"
LATIN = "Latin"
SAFETY_ONLY = "safety_only"
# Residents often type without accents or with the wrong ones ("douleur a la poitrine",
# "nefes alamiyorum", "еще" for "ещё"): marks on Latin and Arabic-script letters
# are dropped (Arabic vowel signs and hamza too), and these letters folded. The vowel signs of
# Indic scripts are letters and stay. Sorani's vowel ە is often typed as ه (folded to ہ).
_LETTER_FOLD = str.maketrans(
    {"ı": "i", "ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ё": "е", "ە": "ہ"}
)
_MARKLESS = ((0x0041, 0x024F), (0x1E00, 0x1EFF), (0x0600, 0x06FF), (0x0750, 0x077F))
_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class SafetyMatch:
    """What a message matched.

    Attributes:
        category: The override category (an intent: ``emergency``, ``crisis``, ``urgent_care``).
        languages: The languages whose phrases of that category the message holds, the language
            with most matching phrases first. A phrase in Latin script counts only for Latin-script
            languages: "seene mein dard" is Roman Urdu, and its writer may not read Urdu script.
        votes: How many of the matching phrases each of ``languages`` curates.
    """

    category: str
    languages: tuple[str, ...]
    votes: tuple[int, ...] = ()


@dataclass(frozen=True)
class SafetyPhrases:
    """Curated phrases, of one language or of all.

    Attributes:
        override: Category name (an intent, e.g. ``emergency``) mapped to its phrases, in the
            order they are checked. Phrases are kept normalised (``text_matching.normalise``,
            then accents folded), once, when they are loaded: a message is checked against
            thousands of them.
        languages: Category name mapped, phrase by phrase, to the languages that curate it (as
            evidence of the message's language: see ``SafetyMatch.languages``).
        reply_languages: The languages a safety reply can be given in (curated safety texts),
            by code.
        ordinary: Phrases of ordinary questions that hold a safety phrase ("chest pain
            clinics", "overdose deaths"): they are taken out of a message before it is matched,
            so "my dad has chest pain" is still an emergency but "are there chest pain
            clinics?" is answered. Normalised like the phrases.
    """

    override: dict[str, tuple[str, ...]]
    languages: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    reply_languages: Mapping[str, Language] = field(default_factory=dict)
    ordinary: tuple[str, ...] = ()
    _by_first_word: dict[str, list[tuple[str, int]]] = field(
        init=False, repr=False, compare=False
    )
    _unspaced: tuple[tuple[str, int], ...] = field(init=False, repr=False, compare=False)
    _language_order: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index the phrases by their first word: a message is checked only against those."""
        by_first_word: dict[str, list[tuple[str, int]]] = {}
        unspaced: list[tuple[str, int]] = []
        for name, phrases in self.override.items():
            for index, phrase in enumerate(phrases):
                if _UNSPACED.search(phrase):
                    unspaced.append((name, index))
                elif words := phrase.split():
                    by_first_word.setdefault(words[0], []).append((name, index))
        object.__setattr__(self, "_by_first_word", by_first_word)
        object.__setattr__(self, "_unspaced", tuple(unspaced))
        order = {
            name: {code: n for n, code in enumerate(dict.fromkeys(c for s in sources for c in s))}
            for name, sources in self.languages.items()
        }
        object.__setattr__(self, "_language_order", order)

    def category(self, text: str) -> str | None:
        """Return the first override category with a phrase in ``text``, or None."""
        found = self.match(text)
        return found.category if found else None

    def match(self, text: str) -> SafetyMatch | None:
        """The first override category with a phrase in ``text`` and whose phrases they were."""
        padded = fold(normalise(text))
        for phrase in self.ordinary:
            padded = padded.replace(phrase, " ")
        hits: dict[str, list[int]] = {}
        for word in set(padded.split()):
            for name, index in self._by_first_word.get(word, ()):
                if self.override[name][index] in padded:
                    hits.setdefault(name, []).append(index)
        if _UNSPACED.search(padded):
            for name, index in self._unspaced:
                if self.override[name][index].strip() in padded:
                    hits.setdefault(name, []).append(index)
        category = next((name for name in self.override if name in hits), None)
        if category is None:
            return None
        sources = self.languages.get(category, ())
        votes: Counter[str] = Counter()
        for index in hits[category]:
            votes.update(sources[index] if index < len(sources) else ())
        order = self._language_order.get(category, {})
        ranked = sorted(votes, key=lambda code: (-votes[code], order.get(code, 0)))
        return SafetyMatch(category, tuple(ranked), tuple(votes[code] for code in ranked))

    def reply_language(self, text: str, decided: Language) -> Language:
        """The language to answer ``text`` in, if it is an emergency; else ``decided``.

        The decided language stays when the message holds a phrase of its own or an English
        one (English medical words are used in every language: "mere abbu ko chest pain hai").
        Otherwise the reply is in the language whose phrases the message holds, if its safety
        texts are curated: a Pashto message that the language decision took for English or
        Persian is answered in Pashto.
        """
        found = self.match(text)
        if found is None or decided.code in found.languages or ENGLISH in found.languages:
            return decided
        votes = dict(zip(found.languages, found.votes, strict=False))
        candidates = [self.reply_languages[c] for c in found.languages if c in self.reply_languages]
        if not candidates:
            return decided
        tied = [lang for lang in candidates if votes.get(lang.code) == votes[candidates[0].code]]
        if len(tied) > 1:  # phrases several languages share: let the text decide, if it can
            detected = detect(text, Registry(tuple(tied)))
            tied.sort(key=lambda language: language.code != detected)
        return tied[0]


def fold(padded: str) -> str:
    """Drop the marks of Latin and Arabic-script letters and fold look-alike letters."""
    if padded.isascii():
        return padded
    kept: list[str] = []
    drop_marks = False
    for char in unicodedata.normalize("NFD", padded):
        if unicodedata.category(char)[0] == "M":
            if not drop_marks:
                kept.append(char)
            continue
        point = ord(char)
        drop_marks = any(first <= point <= last for first, last in _MARKLESS)
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_LETTER_FOLD)


def load_safety_phrases(path: Path) -> SafetyPhrases:
    """Read a curated phrase file (its ``language:``, else its name, says whose phrases they are).

    The file may also list ``ordinary:`` phrases (see ``SafetyPhrases.ordinary``).

    Raises:
        ValueError: If the file does not have an ``override`` mapping of non-empty phrase lists,
            or ``ordinary`` is not a list.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    override = data.get("override")
    if not isinstance(override, dict) or not all(
        isinstance(phrases, list) and phrases for phrases in override.values()
    ):
        raise ValueError(f"{path}: expected 'override' mapping each category to a list of phrases")
    ordinary = data.get("ordinary") or []
    if not isinstance(ordinary, list):
        raise ValueError(f"{path}: 'ordinary' must be a list of phrases")
    language = str(data.get("language") or path.stem)
    phrases = {
        str(name): tuple(dict.fromkeys(fold(normalise(str(p))) for p in phrases))
        for name, phrases in override.items()
    }
    return SafetyPhrases(
        override=phrases,
        languages={name: ((language,),) * len(found) for name, found in phrases.items()},
        ordinary=tuple(dict.fromkeys(fold(normalise(str(p))) for p in ordinary)),
    )


def merge(
    phrase_sets: list[SafetyPhrases], reply_languages: Mapping[str, Language] | None = None
) -> SafetyPhrases:
    """One phrase set with every language's phrases, categories in the first set's order.

    A phrase several languages curate is kept once, with all of them.
    """
    order = list(dict.fromkeys(name for phrases in phrase_sets for name in phrases.override))
    override: dict[str, tuple[str, ...]] = {}
    languages: dict[str, tuple[tuple[str, ...], ...]] = {}
    for name in order:
        owners: dict[str, dict[str, None]] = {}
        for phrases in phrase_sets:
            sources = phrases.languages.get(name, ())
            for index, phrase in enumerate(phrases.override.get(name, ())):
                owners.setdefault(phrase, {}).update(
                    dict.fromkeys(sources[index] if index < len(sources) else ())
                )
        override[name] = tuple(owners)
        languages[name] = tuple(tuple(codes) for codes in owners.values())
    ordinary = tuple(dict.fromkeys(p for phrases in phrase_sets for p in phrases.ordinary))
    return SafetyPhrases(override, languages, dict(reply_languages or {}), ordinary)


def load_safety_only_languages(path: Path = LANGUAGES_FILE) -> tuple[Language, ...]:
    """The registry file's ``safety_only`` languages (code, name, endonym, script, direction).

    They have no ``argos`` pack and no tier: nothing but their safety texts is curated.

    Raises:
        ValueError: If an entry is malformed; the message names the file and the entry.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get(SAFETY_ONLY) or [] if isinstance(data, dict) else []
    if not isinstance(entries, list):
        raise ValueError(f"{path}: '{SAFETY_ONLY}' must be a list of languages")
    languages = []
    for position, entry in enumerate(entries, start=1):
        where = f"{path}: {SAFETY_ONLY} #{position}"
        if not isinstance(entry, dict) or not _CODE.fullmatch(str(entry.get("code"))):
            raise ValueError(f"{where}: expected a mapping with a 2- or 3-letter 'code'")
        texts = [entry.get(name) for name in ("name", "endonym", "script")]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            raise ValueError(f"{where}: 'name', 'endonym' and 'script' must be non-empty")
        if entry.get("direction") not in DIRECTIONS:
            raise ValueError(f"{where}: 'direction' must be 'ltr' or 'rtl'")
        # Outside safety such a language is like a Tier-2 language without a pack.
        name, endonym, script = (str(text).strip() for text in texts)
        code, direction = str(entry["code"]), str(entry["direction"])
        languages.append(Language(code, name, endonym, script, direction, None, 2))
    return tuple(languages)


def has_safety_texts(code: str) -> bool:
    """Whether every safety reply is curated in the language (English is the domain's own)."""
    if code == ENGLISH:
        return True
    texts = curated(code)
    return texts is not None and all(key in texts.responses for key in SAFETY_RESPONSES)


@lru_cache(maxsize=1)
def all_safety_phrases() -> SafetyPhrases:
    """English and every curated language's phrases, and the languages to reply in, loaded once."""
    paths = [SAFETY_DIR / "en.yml", *sorted(TRANSLATED_SAFETY_DIR.glob("*.yml"))]
    known = [*default_registry(), *load_safety_only_languages()]
    replies = {lang.code: lang for lang in known if has_safety_texts(lang.code)}
    scripts = {lang.code: lang.script for lang in known}
    merged = merge([load_safety_phrases(path) for path in paths], replies)
    return _latin_evidence_only(merged, scripts)


def _latin_evidence_only(phrases: SafetyPhrases, scripts: Mapping[str, str]) -> SafetyPhrases:
    """Make a Latin-script phrase evidence only for the Latin-script languages that curate it."""
    languages = {
        name: tuple(
            tuple(c for c in codes if not _is_latin(phrase) or scripts.get(c, LATIN) == LATIN)
            for phrase, codes in zip(phrases.override[name], sources, strict=True)
        )
        for name, sources in phrases.languages.items()
    }
    return SafetyPhrases(phrases.override, languages, phrases.reply_languages, phrases.ordinary)


def _is_latin(phrase: str) -> bool:
    """Whether the phrase's first letter is Latin script."""
    letter = next((ch for ch in phrase if ch.isalpha()), "")
    return bool(letter) and any(first <= ord(letter) <= last for first, last in _MARKLESS[:2])


def _contains(padded_text: str, phrase: str) -> bool:
    """Whole-word match of a normalised phrase; in scripts without spaces (Chinese), a substring."""
    if _UNSPACED.search(phrase):
        return phrase.strip() in padded_text
    return phrase in padded_text
