"""Work out which supported language a message is written in, or say that it cannot be told.

The script decides first: Gurmukhi is Punjabi, Bengali script Bengali, Han Chinese, Devanagari
Hindi (each the one registry language written in it). Within Arabic script (Urdu, Arabic,
Persian) and Cyrillic (Russian, Ukrainian) letters that only one of the languages uses decide,
then langdetect restricted to the script's languages. Latin script is Roman Urdu or Punjabi when
enough of its words are in the curated list (``data/language/romanised.yml``); otherwise
langdetect (with a fixed seed, so the same text always gets the same answer) picks the best
supported Latin-script language, but only for a message long enough to trust. Short or
ambiguous messages ("hi", "ok", "GP", "NHS 111", a postcode, a name, numbers, emoji) are not
detected at all.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from assistant.language.known_phrases import default_english_words
from assistant.language.registry import Registry
from assistant.paths import DATA_DIR

ROMANISED_FILE = DATA_DIR / "language" / "romanised.yml"
QUESTION_WORDS_FILE = DATA_DIR / "language" / "question_words.yml"

LATIN = "Latin"
ENGLISH = "en"
# A Latin-script message is left to langdetect only with at least this many words and letters
# (acronyms, numbers, postcodes and capitalised words inside a sentence, i.e. names, not
# counted). Three words are not enough: langdetect calls "muhammad ali shah" Somali and
# "andrei ion popescu" Romanian, both with certainty. Shorter messages are detected only by
# letters just one supported language uses ("Dzień dobry", "Bună ziua").
MIN_WORDS = 4
MIN_LETTERS = 15
# A Latin-script message is strong enough to change a conversation's language with at least
# these.
STRONG_WORDS = 5
STRONG_LETTERS = 20
# A non-Latin message whose letters do not tell its script's languages apart is strong with at
# least this many words (and langdetect's STRONG_PROBABILITY).
STRONG_SCRIPT_WORDS = 4
# langdetect's probability for the chosen language: to detect at all, and to count as strong
# when letters alone could not decide between the languages of a non-Latin script. (langdetect
# averages 7 random trials: 0.85 is 6 of them agreeing.)
MIN_PROBABILITY = 0.8
STRONG_PROBABILITY = 0.85
# Roman Urdu / Punjabi: listed words needed, and their least share of the message's words.
ROMAN_MIN_MATCHES = 2
ROMAN_MIN_SHARE = 0.3
LANGDETECT_SEED = 0

# (first code point, last code point, script), sorted; letters elsewhere are "Other".
_SCRIPT_RANGES = (
    (0x0041, 0x024F, LATIN),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"),
    (0x1E00, 0x1EFF, LATIN),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x20000, 0x2FFFF, "Han"),
)
_RANGE_STARTS = tuple(start for start, _, _ in _SCRIPT_RANGES)

# Letters only one of a script's languages uses; and letters that rule a language out.
_MARKERS = {
    "Arabic": {"ur": "ٹڈڑںےۓھہۃ", "ar": "ةىيكأإ"},
    "Cyrillic": {"uk": "іїєґ", "ru": "ыэъё"},
}
_EXCLUDED_BY = {"Arabic": {"ar": "پچژگکیٹڈڑںےۓھہۃ"}}
# Letters that, among the supported Latin-script languages, only one language uses.
_LATIN_MARKERS = {
    "pl": "ąćęłńśźż",
    "ro": "ășțţ",
    "tr": "ğı",
    "de": "ßä",
    "es": "ñ¿¡",
    "pt": "ãõ",
    "fr": "œë",
}

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", flags=re.IGNORECASE)
_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+", flags=re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z]{2,}s?")
_APOSTROPHES = "'’ʼ"
_SENTENCE_ENDS = ".!?¿¡…:"


@dataclass(frozen=True)
class Detection:
    """A detected language and how sure the detection is.

    Attributes:
        language: The supported language code.
        script: The script the message is (mostly) written in.
        strong: Whether it is sure enough to change a conversation's language: a script only
            one supported language uses, letters only one language uses, a long text, or a long
            Latin-script text.
    """

    language: str
    script: str
    strong: bool


@dataclass(frozen=True)
class Token:
    """A word of a message.

    Attributes:
        text: The word (letters and their marks; one character for Han).
        script: The script of its first letter.
        start: Where it starts in the message.
    """

    text: str
    script: str
    start: int


@dataclass(frozen=True)
class RomanisedWords:
    """Curated Roman-script words, per language (``data/language/romanised.yml``).

    Attributes:
        anchors: Language code mapped to words that are evidence on their own.
        support: Language code mapped to words that count only next to an anchor.
    """

    anchors: dict[str, frozenset[str]]
    support: dict[str, frozenset[str]]

    def words(self, code: str) -> frozenset[str]:
        """All the listed words of one language."""
        return self.anchors.get(code, frozenset()) | self.support.get(code, frozenset())


def load_romanised(path: Path = ROMANISED_FILE) -> RomanisedWords:
    """Read the curated Roman-script word lists.

    Raises:
        ValueError: If a language does not map to a non-empty ``anchors`` list of words and an
            optional ``support`` list; the message names the language.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: expected a mapping of language code to word lists")
    anchors: dict[str, frozenset[str]] = {}
    support: dict[str, frozenset[str]] = {}
    for code, lists in data.items():
        if not isinstance(lists, dict) or not _is_word_list(lists.get("anchors"), empty=False):
            raise ValueError(f"{path}: language '{code}': expected a non-empty 'anchors' list")
        if not _is_word_list(lists.get("support", []), empty=True):
            raise ValueError(f"{path}: language '{code}': 'support' must be a list of words")
        anchors[str(code)] = frozenset(word.casefold() for word in lists["anchors"])
        support[str(code)] = frozenset(word.casefold() for word in lists.get("support", []))
    return RomanisedWords(anchors=anchors, support=support)


def load_question_words(
    path: Path = QUESTION_WORDS_FILE, english: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    """Each language's question words that no other language lists and English does not use.

    Raises:
        ValueError: If the file is not a mapping of language code to a list of words.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(_is_word_list(v, empty=False) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of language code to a list of words")
    listed = Counter(word.casefold() for words in data.values() for word in set(words))
    return {
        str(code): frozenset(
            w.casefold() for w in words if listed[w.casefold()] == 1 and w.casefold() not in english
        )
        for code, words in data.items()
    }


@lru_cache(maxsize=1)
def default_question_words() -> dict[str, frozenset[str]]:
    """Load the project's question words on first use (English words left out) and keep them."""
    return load_question_words(english=default_english_words())


@lru_cache(maxsize=1)
def default_romanised() -> RomanisedWords:
    """Load the project's Roman-script word lists on first use and keep them."""
    return load_romanised()


def detect(text: str, registry: Registry, *, romanised: RomanisedWords | None = None) -> str | None:
    """Return the supported language ``text`` is written in, or None if it cannot be told.

    Args:
        text: The resident's message (already cleaned).
        registry: The supported languages.
        romanised: The Roman Urdu / Punjabi word lists; the project's own by default.
    """
    found = analyse(text, registry, romanised=romanised)
    return found.language if found else None


def analyse(
    text: str, registry: Registry, *, romanised: RomanisedWords | None = None
) -> Detection | None:
    """Like ``detect``, but also say which script decided and whether the detection is strong."""
    text = _URL_OR_EMAIL.sub(" ", _POSTCODE.sub(" ", text))
    tokens = tokenise(text)
    script = _dominant_script(tokens)
    if script is None:
        return None
    if script == LATIN:
        words = _latin_words(tokens, text)
        return _latin(words, registry, romanised or default_romanised())
    return _non_latin([t for t in tokens if t.script == script], script, registry)


def tokenise(text: str) -> list[Token]:
    """Split a message into words: runs of letters of one script with their marks.

    Each Han character is a word of its own. Apostrophes inside a Latin word are kept
    (``don't``); digits, spaces, punctuation, emoji and a change of script separate words.
    """
    tokens: list[Token] = []
    start: int | None = None
    for index, char in enumerate(text):
        category = unicodedata.category(char)[0]
        script = script_of(char) if category == "L" else None
        if start is not None and (
            script == "Han" or (script is not None and script != script_of(text[start]))
        ):
            tokens.append(_token(text, start, index))
            start = None
        if script == "Han":
            tokens.append(Token(char, script, index))
        elif script is not None:
            start = index if start is None else start
        elif category == "M" and start is not None:
            continue
        elif char in _APOSTROPHES and start is not None and _joins_latin(text, index):
            continue
        elif start is not None:
            tokens.append(_token(text, start, index))
            start = None
    if start is not None:
        tokens.append(_token(text, start, len(text)))
    return tokens


def script_of(char: str) -> str:
    """The script a letter belongs to (``Latin``, ``Arabic``, ``Han``, ...), or ``Other``."""
    point = ord(char)
    index = bisect_right(_RANGE_STARTS, point) - 1
    if index >= 0:
        first, last, script = _SCRIPT_RANGES[index]
        if first <= point <= last:
            return script
    return "Other"


def _token(text: str, start: int, end: int) -> Token:
    """The word ``text[start:end]``, with the script of its first letter."""
    word = text[start:end]
    return Token(word, script_of(word[0]), start)


def _joins_latin(text: str, index: int) -> bool:
    """Whether the apostrophe at ``index`` sits between two Latin letters."""
    neighbours = (text[index - 1 : index], text[index + 1 : index + 2])
    return all(char.isalpha() and script_of(char) == LATIN for char in neighbours)


def _dominant_script(tokens: list[Token]) -> str | None:
    """The script most of the message's words are in; non-Latin scripts win ties.

    Latin acronyms (GP, NHS) do not count, and Han mixed with kana is Japanese.
    """
    lower = any(t.script == LATIN and t.text != t.text.upper() for t in tokens)
    counts = Counter(
        t.script for t in tokens if not (t.script == LATIN and lower and _ACRONYM.fullmatch(t.text))
    )
    if counts["Kana"]:
        counts["Kana"] += counts.pop("Han", 0)
    latin = counts.pop(LATIN, 0)
    if counts:
        script, count = counts.most_common(1)[0]
        if count >= latin:
            return script
    return LATIN if latin else None


def _latin_words(tokens: list[Token], text: str) -> list[str]:
    """The Latin-script words that say something about the language.

    Acronyms and capitalised words inside a sentence (names, places) are left out, unless the
    whole message is in capitals.
    """
    latin = [t for t in tokens if t.script == LATIN]
    if not any(t.text != t.text.upper() for t in latin):
        return [t.text.lower() for t in latin]
    words = []
    for position, token in enumerate(latin):
        if _ACRONYM.fullmatch(token.text):
            continue
        capitalised = token.text[0].isupper() and not _is_pronoun_i(token.text)
        if capitalised and position > 0 and not _starts_sentence(text, token.start):
            continue
        words.append(token.text)
    return words


def _is_pronoun_i(word: str) -> bool:
    """Whether a word is the English "I" (also "I'm", "I've"), capitalised anywhere."""
    return word == "I" or (len(word) > 2 and word[0] == "I" and word[1] in _APOSTROPHES)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows the end of a sentence."""
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_ENDS


def _latin(words: list[str], registry: Registry, romanised: RomanisedWords) -> Detection | None:
    """Detect a Latin-script message from its words."""
    letters = sum(char.isalpha() for word in words for char in word)
    long = len(words) >= STRONG_WORDS and letters >= STRONG_LETTERS
    roman = _roman(words, registry, romanised)
    if roman is not None:
        code, clear = roman
        return Detection(code, LATIN, strong=long and clear)
    supported = {lang.code for lang in registry.with_script(LATIN)}
    if len(words) >= MIN_WORDS and letters >= MIN_LETTERS:
        if ENGLISH in supported and _mostly_english(words):
            # English words around a name langdetect does not know ("moseley medical centre")
            return Detection(ENGLISH, LATIN, strong=long)
        for code, probability in _probabilities(" ".join(words), None):
            if code in supported:
                if probability < MIN_PROBABILITY:
                    return None
                return Detection(code, LATIN, strong=long)
        return None
    if len(words) >= 2:
        lowered = "".join(words).casefold()
        marked = {code for code, marks in _LATIN_MARKERS.items() if set(marks) & set(lowered)}
        if len(marked) == 1 and (code := marked.pop()) in supported:
            return Detection(code, LATIN, strong=False)
    typed = {word.casefold() for word in words}
    asked = {c for c, listed in default_question_words().items() if typed & listed}
    if len(asked) == 1 and (code := asked.pop()) in supported:
        return Detection(code, LATIN, strong=False)
    return None


def _mostly_english(words: list[str]) -> bool:
    """Whether more than half the words are words of the English example phrasings."""
    english = default_english_words()
    return sum(word.casefold() in english for word in words) * 2 > len(words)


def _roman(
    words: list[str], registry: Registry, romanised: RomanisedWords
) -> tuple[str, bool] | None:
    """Roman Urdu or Punjabi: the language, and whether its own words decided it (no tie)."""
    codes = [code for code in romanised.anchors if code in registry]
    lowered = [word.casefold() for word in words]
    listed = [w for w in lowered if any(w in romanised.words(code) for code in codes)]
    anchored = any(w in romanised.anchors[code] for w in lowered for code in codes)
    if not anchored or len(listed) < max(ROMAN_MIN_MATCHES, ROMAN_MIN_SHARE * len(lowered)):
        return None
    own = {
        code: sum(
            w in romanised.words(code)
            and not any(w in romanised.words(other) for other in codes if other != code)
            for w in listed
        )
        for code in codes
    }
    ranked = sorted(codes, key=lambda code: -own[code])
    clear = len(ranked) == 1 or own[ranked[0]] > own[ranked[1]]
    return ranked[0], clear


def _non_latin(tokens: list[Token], script: str, registry: Registry) -> Detection | None:
    """Decide among the supported languages written in a non-Latin script."""
    candidates = [lang.code for lang in registry.with_script(script)]
    if len(candidates) <= 1:
        return Detection(candidates[0], script, strong=True) if candidates else None
    letters = "".join(t.text for t in tokens).casefold()
    excluded = {
        code
        for code, marks in _EXCLUDED_BY.get(script, {}).items()
        if any(mark in letters for mark in marks)
    }
    pool = [code for code in candidates if code not in excluded] or candidates
    scores = {
        code: sum(letters.count(mark) for mark in _MARKERS.get(script, {}).get(code, ""))
        for code in pool
    }
    ranked = sorted(pool, key=lambda code: -scores[code])
    if len(ranked) == 1 or scores[ranked[0]] > scores[ranked[1]]:
        return Detection(ranked[0], script, strong=True)
    tied = [code for code in ranked if scores[code] == scores[ranked[0]]]
    for code, probability in _probabilities(" ".join(t.text for t in tokens), tied):
        if code in tied:
            strong = len(tokens) >= STRONG_SCRIPT_WORDS and probability >= STRONG_PROBABILITY
            return Detection(code, script, strong=strong)
    return Detection(tied[0], script, strong=False)


def _probabilities(text: str, candidates: Iterable[str] | None) -> list[tuple[str, float]]:
    """The languages langdetect finds in ``text`` (codes without region), most probable first.

    Args:
        text: The text.
        candidates: Restrict the answer to these language codes; None for any language.
    """
    factory = _detector_factory()
    detector = factory.create()
    if candidates is not None:
        wanted = set(candidates)
        prior = {lang: 1.0 for lang in factory.get_lang_list() if lang.split("-")[0] in wanted}
        if not prior:
            return []
        detector.set_prior_map(prior)
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:  # no features in the text
        return []
    merged: dict[str, float] = {}
    for language in found:
        code = language.lang.split("-")[0]
        merged[code] = merged.get(code, 0.0) + language.prob
    return sorted(merged.items(), key=lambda item: item[1], reverse=True)


@lru_cache(maxsize=1)
def _detector_factory() -> DetectorFactory:
    """The langdetect profiles, loaded on first use, with a fixed seed so results never vary."""
    DetectorFactory.seed = LANGDETECT_SEED
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def _is_word_list(value: object, *, empty: bool) -> bool:
    """Whether ``value`` is a list of non-empty strings (allowed to be empty if ``empty``)."""
    return (
        isinstance(value, list)
        and (empty or bool(value))
        and all(isinstance(word, str) and word.strip() for word in value)
    )
