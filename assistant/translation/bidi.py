"""Bidirectional isolation: left-to-right runs in right-to-left text keep their own order.

In Urdu or Arabic text, an English name next to a number ("Samaritans ... 116 123") or a list
of names is reordered by the Unicode bidirectional algorithm into a jumble. Wrapping each
left-to-right run in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE lays it out as one
left-to-right unit that the right-to-left sentence flows around.

A run starts and ends with a left-to-right letter or a digit (a currency or percent sign stays
with its number) and holds the spaces and punctuation between; it never crosses a letter or
punctuation mark of a right-to-left script, a line break or a directional control. A bracket
stays inside a run only with its partner, so brackets pair up as the writer meant.
"""

import unicodedata

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
_INITIATORS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: each is closed by a PDI
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_OPENERS = frozenset(_BRACKETS.values())
# Blocks of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their
# presentation forms): their punctuation (the Arabic comma) belongs to the sentence, not a run.
_RTL_BLOCKS = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF), (0x10800, 0x10FFF))
# Inside a run: left-to-right letters, digits, their signs, spaces and common punctuation.
_INSIDE = frozenset({"L", "EN", "ES", "ET", "CS", "ON", "WS", "NSM", "BN"})
_MARKS = frozenset("\u200e\u200f\u061c\u2028")  # LRM, RLM, ALM, LINE SEPARATOR: always break


def isolate_left_to_right(text: str) -> str:
    """``text`` with each left-to-right run wrapped in FSI ... PDI (for right-to-left text).

    Text already inside an isolate is left as it is, so the function is idempotent.
    """
    free = _free_positions(text)
    pieces: list[str] = []
    last = 0
    for start, end in _runs(text, free):
        pieces += [text[last:start], FSI, text[start:end], PDI]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def without_isolates(text: str) -> str:
    """``text`` with the isolates that :func:`isolate_left_to_right` adds taken out."""
    return text.replace(FSI, "").replace(PDI, "")


def _free_positions(text: str) -> list[bool]:
    """For each character, whether it is outside every isolate (isolates end at a line end)."""
    free, depth = [], 0
    for ch in text:
        if ch in _INITIATORS:
            depth += 1
            free.append(False)
        elif ch == PDI and depth:
            depth -= 1
            free.append(False)
        else:
            if unicodedata.bidirectional(ch) == "B":
                depth = 0
            free.append(depth == 0)
    return free


def _is_rtl_script(ch: str) -> bool:
    point = ord(ch)
    return any(low <= point <= high for low, high in _RTL_BLOCKS)


def _inside(ch: str) -> bool:
    """Whether ``ch`` may be part of a left-to-right run."""
    return unicodedata.bidirectional(ch) in _INSIDE and ch not in _MARKS and not _is_rtl_script(ch)


def _anchor(ch: str) -> bool:
    """Whether ``ch`` may start or end a run: a left-to-right letter (or its accent), a digit."""
    return _inside(ch) and unicodedata.bidirectional(ch) in ("L", "EN", "NSM")


def _runs(text: str, free: list[bool]) -> list[tuple[int, int]]:
    """The (start, end) of each run to isolate, in order, none overlapping."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and free[j] and _inside(text[j]):
            j += 1
        if j == i:
            i += 1
            continue
        for low, high in _pieces(text, i, j):
            anchors = [k for k in range(low, high) if _anchor(text[k])]
            if anchors:
                start = anchors[0]
                end = _closed(text, start, anchors[-1] + 1, _partners(text, low, high))
                runs.append(_with_signs(text, start, end, runs[-1][1] if runs else 0))
        i = j
    return runs


def _partners(text: str, start: int, stop: int) -> dict[int, int]:
    """The brackets of ``text[start:stop]`` that pair up, each mapped to its partner's position.

    As in the bidirectional algorithm, a closing bracket pairs with the nearest open one of its
    kind; the ones opened after that stay unpaired.
    """
    partners: dict[int, int] = {}
    stack: list[int] = []
    for k in range(start, stop):
        if text[k] in _OPENERS:
            stack.append(k)
        elif text[k] in _BRACKETS:
            match = next((s for s in reversed(stack) if text[s] == _BRACKETS[text[k]]), None)
            if match is not None:
                del stack[stack.index(match) :]
                partners[match], partners[k] = k, match
    return partners


def _pieces(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """``text[start:stop]`` cut at every bracket that would not pair up inside its run.

    That is a bracket with no partner in its piece, or a closing one whose partner opens before
    the piece's first letter or digit: in "(ICB) 1 April" the brackets belong to the sentence.
    """
    cuts: list[int] = []
    while True:
        pieces = list(zip([start, *(cut + 1 for cut in cuts)], [*cuts, stop], strict=True))
        unpaired = [k for low, high in pieces for k in _unpaired(text, low, high)]
        if not unpaired:
            return pieces
        cuts = sorted({*cuts, *unpaired})


def _unpaired(text: str, start: int, stop: int) -> list[int]:
    """The brackets of one piece that must be cut (see :func:`_pieces`)."""
    partners = _partners(text, start, stop)
    first = next((k for k in range(start, stop) if _anchor(text[k])), stop)
    return [
        k
        for k in range(start, stop)
        if (text[k] in _OPENERS or text[k] in _BRACKETS)
        and (k not in partners or partners[k] < first <= k)
    ]


def _closed(text: str, start: int, end: int, partners: dict[int, int]) -> int:
    """The run's end moved past the closing partner of every bracket opened in it."""
    return max([end, *(partners[k] + 1 for k in range(start, end) if k in partners)])


def _with_signs(text: str, start: int, end: int, floor: int) -> tuple[int, int]:
    """The run with a sign written against its number: "£5", "+44", "50%"."""
    if start > floor and _digit(text[start]) and _sign(text[start - 1], ("ET", "ES")):
        start -= 1
    if end < len(text) and _digit(text[end - 1]) and _sign(text[end], ("ET",)):
        end += 1
    return start, end


def _digit(ch: str) -> bool:
    return unicodedata.bidirectional(ch) == "EN" and not _is_rtl_script(ch)


def _sign(ch: str, classes: tuple[str, ...]) -> bool:
    return unicodedata.bidirectional(ch) in classes and not _is_rtl_script(ch)
