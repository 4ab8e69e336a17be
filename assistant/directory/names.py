"""ODS names and addresses (upper case) as residents write them: "The Limes Medical Centre"."""

from __future__ import annotations

import re

# Kept in capitals: acronyms that appear in practice, PCN and address names.
ACRONYMS = frozenset(
    {"GP", "GPS", "NHS", "PCN", "UCC", "CHC", "PCC", "EMC", "MMP", "SWB", "GOSK", "HC", "NSC"}
)
# Lower case inside a name (never as its first word).
SMALL_WORDS = frozenset({"and", "of", "in", "on", "at", "upon", "by", "for", "under"})
# Shortened words spelled out, as residents write them (only at the end of a practice name).
ABBREVIATIONS = {"PRACT": "Practice", "PRACT.": "Practice", "CTR": "Centre"}

_WORD = re.compile(r"[A-Za-z0-9']+")
_ORDINAL = re.compile(r"\d+(ST|ND|RD|TH)")


def readable_name(ods_name: str) -> str:
    """A practice or PCN name as residents write it: title case, acronyms kept, "Ctr" in full."""
    words = ods_name.split()
    if words and words[-1] in ABBREVIATIONS:
        words[-1] = ABBREVIATIONS[words[-1]]
    return readable(" ".join(words))


def readable(text: str) -> str:
    """Upper-case text (a name or an address line) in title case.

    Acronyms (GP, NHS, PCN, ...) and words with digits (``1A``, ``I3``) stay as they are, single
    letters (initials) stay capitals, ordinals read ``1st``, and small words (and, of, in) are
    lower case except as the first word.
    """
    first = True

    def word(match: re.Match[str]) -> str:
        nonlocal first
        token = match.group(0)
        at_start, first = first, False
        upper = token.upper()
        if upper in ACRONYMS or len(token) == 1:
            return upper
        if _ORDINAL.fullmatch(upper):
            return token.lower()
        if any(character.isdigit() for character in token):
            return upper
        if not at_start and token.lower() in SMALL_WORDS:
            return token.lower()
        return token[0].upper() + token[1:].lower()

    return _WORD.sub(word, text.strip())
