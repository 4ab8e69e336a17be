"""Make a resident's message safe to process: bounded length, no markup, no control characters.

Every step is linear in the length of the text, and the text is cut to its limit before any of
them, so no message, however long or hostile, can hold the event loop.
"""

import html
import re
import unicodedata

from assistant.payloads import is_button_payload

MAX_MESSAGE_CHARS = 1000
NO_TEXT_PAYLOAD = "/no_text"

# A tag cannot contain "<": each match attempt stops at the next "<", so this is linear (the old
# "<[^>]*>" rescanned to the end of the text from every "<" without a ">").
_TAG = re.compile(r"<[^<>]*>")
_OPENING = re.compile(r"<(script|style)\b", flags=re.IGNORECASE)
_CLOSING = {
    name: re.compile(rf"</{name}\b[^<>]*>", flags=re.IGNORECASE) for name in ("script", "style")
}
# Bidirectional overrides can disguise text; zero-width joiners are kept (Indic scripts need them).
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_message(text: object, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """Return the message as plain text to understand.

    The text is first cut to ``max_chars``; then HTML markup is removed, and scripts and styles
    with their contents (also when written as entities); lone surrogates are dropped, control
    characters become spaces, white space is folded, and a cut text loses its last, partial word.
    A message with nothing readable in it (empty, only emoji or punctuation) becomes
    ``NO_TEXT_PAYLOAD``, which the assistant answers with a polite request to type a question.
    Only the payloads of the assistant's own buttons pass as commands; any other text starting
    with "/" (``/restart``) is read as words.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    cut, text = len(text) > max_chars, text[:max_chars]
    if is_button_payload(text):
        return text
    for _ in range(2):  # markup may also be written as entities: &lt;script&gt;
        text = html.unescape(_TAG.sub(" ", _without_scripts(text)))
    text = _TAG.sub(" ", _without_scripts(text))
    text = "".join(_readable(ch) for ch in text)
    text = " ".join(text.translate(_BIDI_CONTROLS).split()).lstrip("/ ")
    if cut and " " in text:  # the last word may be a part of one
        text = text.rsplit(" ", 1)[0]
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return NO_TEXT_PAYLOAD
    return text


def was_cut(text: object, max_chars: int = MAX_MESSAGE_CHARS) -> bool:
    """Whether :func:`clean_message` cuts ``text`` for being over ``max_chars`` long."""
    return isinstance(text, str) and len(text) > max_chars


def _readable(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cs":  # a lone surrogate: not a character, and unencodable
        return ""
    return " " if category == "Cc" else ch


def _without_scripts(text: str) -> str:
    """Remove each ``<script>``/``<style>`` element with its contents (to the end if unclosed).

    One pass from left to right: each search starts where the last one ended.
    """
    parts, position = [], 0
    while (opening := _OPENING.search(text, position)) is not None:
        parts.append(text[position : opening.start()])
        closing = _CLOSING[opening[1].lower()].search(text, opening.end())
        if closing is None:
            return " ".join(parts)
        position = closing.end()
        parts.append(" ")
    parts.append(text[position:])
    return "".join(parts)
