"""Normalise text for matching curated phrases, in any script."""

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’‘`]")
# Typing variants folded together: the Arabic keyboard's forms of Urdu letters, and zero-width
# (non-)joiners, which some keyboards insert inside Urdu and Indic words and others do not.
_FOLD = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ھ": "ہ", "ۃ": "ہ", "\u200c": None, "\u200d": None}
)


def normalise(text: str) -> str:
    """Lower-case, drop apostrophes, and reduce everything but words to single spaces.

    Letters, digits and combining marks (the vowel signs of Bengali or Gurmukhi, Arabic
    diacritics) are word characters; Unicode forms and keyboard variants are folded together.
    The result is padded with a space at each end, so whole-word matching is a substring test.
    """
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFC", text).casefold()).translate(_FOLD)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in text)
    return f" {' '.join(kept.split())} "
