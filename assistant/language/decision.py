"""Decide which language to answer a message in.

In order: the language the resident chose in the widget (explicit); a request in the message to
change language ("speak English", "po polsku", "اردو میں"; curated in
``data/language/switch_phrases.yml``); the language the message is written in, when detection
is sure and either the conversation has no language yet or the detection is strong; the
conversation's language; and finally English. A language the resident chose (in the widget or
by asking) is kept until they choose again, whatever the next message is written in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.language.detection import (
    LATIN,
    Detection,
    RomanisedWords,
    analyse,
    script_of,
    tokenise,
)
from assistant.language.known_phrases import known_language
from assistant.language.registry import Registry
from assistant.paths import DATA_DIR

SWITCH_PHRASES_FILE = DATA_DIR / "language" / "switch_phrases.yml"
DEFAULT_LANGUAGE = "en"
REASONS = ("explicit", "switch", "conversation", "detected", "default")
# How many words before a request a negation cancels it ("I can't speak English well").
NEGATION_WINDOW = 3

_NAME = "{name}"
_TOP_LISTS = ("whole", "requests", "fillers", "negations")
_APOSTROPHES = re.compile(r"['’ʼ]")
_PAYLOAD = re.compile(r"/[A-Za-z_]+(\{.*\})?", flags=re.DOTALL)
# Arabic-script letters typed differently on Arabic and Persian/Urdu keyboards.
_ARABIC_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ہ": "ه", "ۀ": "ه"})
_MARKLESS_SCRIPTS = (LATIN, "Arabic")


@dataclass(frozen=True)
class Decision:
    """The language to answer in, and why.

    Attributes:
        language: A supported language code (or the default).
        reason: ``explicit`` (chosen in the widget), ``switch`` (asked for in the message),
            ``detected`` (the message's language, new to the conversation), ``conversation``
            (the conversation's language, kept or confirmed by detection) or ``default``.
    """

    language: str
    reason: str

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown reason {self.reason!r}; expected one of {REASONS}")


@dataclass(frozen=True)
class ConversationLanguage:
    """A conversation's language so far, and whether the resident chose it.

    Attributes:
        code: The language code.
        chosen: True when the resident asked for it (a switch request or the widget's picker):
            then only another choice changes it.
    """

    code: str
    chosen: bool = False


def is_choice(decision: Decision, previous: ConversationLanguage | None) -> bool:
    """Whether the decided language is the resident's choice: made now, or made before and kept."""
    if decision.reason in ("explicit", "switch"):
        return True
    return previous is not None and previous.chosen and decision.reason == "conversation"


@dataclass(frozen=True)
class SwitchPhrases:
    """Compiled requests to change language, all folded (see ``fold``).

    Attributes:
        whole: Phrase mapped to language, when the phrase is the whole message.
        requests: (phrase, language) pairs matched as whole words anywhere in the message.
        anywhere: (phrase, language) pairs of Chinese text, matched anywhere in the message.
        fillers: Polite words ignored at either end of a whole-message phrase, as word tuples.
        negations: Negations that cancel a request shortly after them, as word tuples.
        names: The one-word names of the languages.
    """

    whole: dict[str, str]
    requests: tuple[tuple[str, str], ...]
    anywhere: tuple[tuple[str, str], ...]
    fillers: tuple[tuple[str, ...], ...]
    negations: tuple[tuple[str, ...], ...]
    names: frozenset[str]

    def find(self, text: str) -> str | None:
        """Return the language ``text`` asks for, or None if it asks for none.

        The whole message (fillers aside) is tried first; then requests anywhere, the last one
        in the message winning; then Chinese phrases.
        """
        folded = fold(text)
        if not folded:
            return None
        words = self._strip_fillers(folded.split())
        if " ".join(words) in self.whole:
            return self.whole[" ".join(words)]
        padded = f" {folded} "
        best: tuple[int, int, str] | None = None
        for phrase, code in self.requests:
            start = padded.find(f" {phrase} ")
            while start >= 0:
                if not self._negated(padded[:start]):
                    found = (start + len(phrase), len(phrase), code)
                    best = found if best is None or found[:2] > best[:2] else best
                start = padded.find(f" {phrase} ", start + 1)
        if best is not None:
            return best[2]
        joined = folded.replace(" ", "")
        return next((code for phrase, code in self.anywhere if phrase in joined), None)

    def _strip_fillers(self, words: list[str]) -> list[str]:
        """Drop fillers from both ends of a message's words, keeping at least one word."""
        changed = True
        while changed:
            changed = False
            for filler in self.fillers:
                size = len(filler)
                if len(words) > size and tuple(words[:size]) == filler:
                    words, changed = words[size:], True
                elif len(words) > size and tuple(words[-size:]) == filler:
                    words, changed = words[:-size], True
        return words

    def _negated(self, before: str) -> bool:
        """Whether a negation is among the last ``NEGATION_WINDOW`` words of ``before``.

        Only words after the last language name count: in "I don't speak English, Urdu
        please" the negation is about English, not about the request for Urdu.
        """
        window = before.split()[-NEGATION_WINDOW:]
        names = [i for i, word in enumerate(window) if word in self.names]
        if names:
            window = window[names[-1] + 1 :]
        return any(
            tuple(window[i : i + len(negation)]) == negation
            for negation in self.negations
            for i in range(len(window) - len(negation) + 1)
        )


def fold(text: str) -> str:
    """Reduce text to its words for matching phrases.

    Lower-cased; accents on Latin letters and vowel marks on Arabic-script letters dropped
    (the marks of Indic scripts are kept: they are letters' vowels); Arabic and Persian/Urdu
    keyboard variants of a letter made one; apostrophes removed; words joined by single spaces.
    """
    decomposed = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text.casefold()))
    kept: list[str] = []
    drop_marks = False
    for char in decomposed:
        if unicodedata.category(char)[0] == "M":
            if not drop_marks:
                kept.append(char)
            continue
        drop_marks = script_of(char) in _MARKLESS_SCRIPTS
        kept.append(char)
    composed = unicodedata.normalize("NFC", "".join(kept)).translate(_ARABIC_VARIANTS)
    words: list[str] = []
    end = -1
    for token in tokenise(composed):
        if token.script == "Han" and token.start == end and _is_han(words[-1]):
            words[-1] += token.text  # keep a run of Chinese characters together
        else:
            words.append(token.text)
        end = token.start + len(token.text)
    return " ".join(words)


def load_switch_phrases(registry: Registry, path: Path = SWITCH_PHRASES_FILE) -> SwitchPhrases:
    """Read the curated switch requests and fill in the registry's language names.

    Languages the file lists that the registry does not support are skipped.

    Raises:
        ValueError: If a list is missing or malformed, a template lacks ``{name}``, a phrase has
            no words, or one phrase would ask for two languages; the message names the language.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    lists = {key: _strings(data.get(key), f"{path}: '{key}'") for key in _TOP_LISTS}
    for key in ("whole", "requests"):
        if missing := [t for t in lists[key] if _NAME not in t]:
            raise ValueError(f"{path}: '{key}' templates without {_NAME}: {missing}")
    languages = data.get("languages") or {}
    if not isinstance(languages, dict):
        raise ValueError(f"{path}: 'languages' must map language codes to names and phrases")
    whole: dict[str, str] = {}
    requests: dict[str, str] = {}
    anywhere: dict[str, str] = {}
    single_names: set[str] = set()
    for lang in registry:
        entry = languages.get(lang.code) or {}
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: language '{lang.code}': expected 'names' and 'phrases'")
        where = f"{path}: language '{lang.code}'"
        extra = _strings(entry.get("names", []), f"{where}: 'names'")
        names = [lang.name, re.sub(r"\s*\(.*?\)", "", lang.name), lang.endonym, *extra]
        single_names.update(fold(name) for name in names if len(fold(name).split()) == 1)
        for name in names:
            for template in lists["whole"]:
                _add(whole, template.replace(_NAME, name), lang.code, where)
            for template in lists["requests"]:
                _add(requests, template.replace(_NAME, name), lang.code, where)
        for phrase in _strings(entry.get("phrases", []), f"{where}: 'phrases'"):
            if any(script_of(char) == "Han" for char in phrase):
                _add(anywhere, phrase, lang.code, where, joined=True)
            else:
                _add(requests, phrase, lang.code, where)
    return SwitchPhrases(
        whole=whole,
        requests=tuple(requests.items()),
        anywhere=tuple(anywhere.items()),
        fillers=tuple(sorted({tuple(fold(f).split()) for f in lists["fillers"]}, key=len)[::-1]),
        negations=tuple({tuple(fold(n).split()) for n in lists["negations"]}),
        names=frozenset(single_names),
    )


@lru_cache(maxsize=8)
def default_switch_phrases(registry: Registry) -> SwitchPhrases:
    """The project's switch requests for ``registry``, loaded on first use and kept."""
    return load_switch_phrases(registry)


def decide(
    explicit: str | None,
    conversation: str | None,
    text: str,
    registry: Registry,
    *,
    chosen: bool = False,
    default: str = DEFAULT_LANGUAGE,
    switch_phrases: SwitchPhrases | None = None,
    romanised: RomanisedWords | None = None,
) -> Decision:
    """Decide the language to answer ``text`` in.

    Args:
        explicit: The language chosen in the widget (message metadata), or None.
        conversation: The conversation's language so far, or None.
        text: The resident's message (already cleaned). Button payloads (``/greet``) are not
            read for language.
        registry: The supported languages. Unsupported ``explicit`` and ``conversation``
            values are ignored.
        chosen: Whether the resident chose the conversation's language; then the message's own
            language does not change it (only a switch request or the widget does).
        default: The language when nothing else decides.
        switch_phrases: The switch requests; the project's own by default.
        romanised: The Roman Urdu / Punjabi word lists; the project's own by default.

    Returns:
        The language and the reason for it.
    """
    picked = registry.resolve(explicit)
    if picked is not None:
        return Decision(picked, "explicit")
    current = registry.resolve(conversation)
    readable = isinstance(text, str) and bool(text.strip()) and not _PAYLOAD.fullmatch(text.strip())
    if readable:
        requested = (switch_phrases or default_switch_phrases(registry)).find(text)
        if requested is not None:
            return Decision(requested, "switch")
    if current is not None and chosen:
        return Decision(current, "conversation")
    if readable:
        known = known_language(text)  # a curated phrasing: decides a first message only
        if known is not None and registry.get(known) is not None and current in (None, known):
            return Decision(known, "conversation" if known == current else "detected")
        found = analyse(text, registry, romanised=romanised)
        if found is not None and _overrides(found, current, registry):
            reason = "conversation" if found.language == current else "detected"
            return Decision(found.language, reason)
    if current is not None:
        return Decision(current, "conversation")
    return Decision(default, "default")


def _overrides(found: Detection, current: str | None, registry: Registry) -> bool:
    """Whether a detection replaces the conversation's language.

    It does when there is none yet, when the detection is strong, and when the message is in a
    non-Latin script the conversation's language is not written in ("سلام" in an English
    conversation). A short Latin-script message never changes the language.
    """
    if current is None or found.strong or found.language == current:
        return True
    return found.script != LATIN and registry[current].script != found.script


def _strings(value: object, where: str) -> list[str]:
    """Check that ``value`` is a list of non-empty strings and return it."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: expected a list of non-empty strings")
    return value


def _add(
    phrases: dict[str, str], phrase: str, code: str, where: str, *, joined: bool = False
) -> None:
    """Add a phrase, folded, for ``code``; it may not already stand for another language."""
    folded = fold(phrase).replace(" ", "") if joined else fold(phrase)
    if not folded:
        raise ValueError(f"{where}: phrase {phrase!r} has no words")
    if phrases.setdefault(folded, code) != code:
        raise ValueError(
            f"{where}: {phrase!r} already asks for language '{phrases[folded]}', not '{code}'"
        )


def _is_han(word: str) -> bool:
    """Whether a word is Chinese characters."""
    return script_of(word[-1]) == "Han"
