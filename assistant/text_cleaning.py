"""Make a resident's message safe to process: no markup, no control characters, bounded length."""

import html
import re
import unicodedata

MAX_MESSAGE_CHARS = 1000
NO_TEXT_PAYLOAD = "/no_text"

_TAG = re.compile(r"<[^>]*>")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", flags=re.IGNORECASE | re.DOTALL)
# Bidirectional overrides can disguise text; zero-width joiners are kept (Indic scripts need them).
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_message(text: object) -> str:
    """Return the message as plain text to understand.

    HTML markup is removed, and scripts and styles with their contents (also when written as
    entities), control characters become
    spaces, white space is folded, and the text is cut to ``MAX_MESSAGE_CHARS`` at a word break.
    A message with nothing readable in it (empty, only emoji or punctuation) becomes
    ``NO_TEXT_PAYLOAD``, which the assistant answers with a polite request to type a question.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if text.startswith("/") and _is_payload(text):
        return text
    for _ in range(2):  # markup may also be written as entities: &lt;script&gt;
        text = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
        text = html.unescape(text)
    text = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    text = " ".join(text.translate(_BIDI_CONTROLS).split())
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS].rsplit(" ", 1)[0]
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return NO_TEXT_PAYLOAD
    return text


def _is_payload(text: str) -> bool:
    """Whether the text is a button payload such as ``/faq{"entry":"icb_what_is"}``."""
    return re.fullmatch(r"/[a-z_]+(\{.*\})?", text, flags=re.DOTALL) is not None
