"""Hostile input for the channels: what a visitor may send, for the fuzz test and the bench.

The values are issue 9's findings and their neighbours (lone surrogates, control characters,
markup and ``<`` floods, slash commands, deep and huge JSON, wrong types, random and non-UTF-8
bytes, over-long ids, big metadata, rasa-webchat's ``customData``). The generators build REST
bodies and socket.io event data from them through a :class:`Picker`: ``tests/test_fuzz.py``
passes one that draws from hypothesis (which shrinks a failure to its smallest case), and
``bench/security.py`` passes :class:`RandomPicker`, a seeded ``random.Random``, for thousands of
repeatable requests without shrinking. Both therefore send the same kinds of input.
"""

import json
import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from assistant.messages import message

T = TypeVar("T")

# A reply that holds one of these echoes markup (compared without regard to case).
MARKUP_MARKERS = ("<script", "<img", "onerror")
# A reply that holds one of these shows a stack trace.
TRACE_MARKERS = ("Traceback", 'File "', "Exception")
# Replies that say the assistant failed: no input, however hostile, should lead to them.
FAILURE_KEYS = ("technical_problem", "message_not_saved")
# Sanic logs this trace whenever a socket.io client closes its websocket, however politely
# (sanic-org/sanic#2572, python-engineio#221): known noise, not caused by what a client sends.
WEBSOCKET_CLOSE_NOISE = "Invalid response type None (need HTTPResponse)"

# Questions the assistant answers, and other ordinary messages.
QUESTIONS = (
    "who chairs the ICS?",
    "what is the ICB?",
    "what is a PCN?",
    "tell me more",
    "hello",
    "help",
    "PCN کیا ہے",
    "¿qué es el ICS?",
)
# Typed commands: only the assistant's own button payloads may act as commands.
SLASH_COMMANDS = (
    "/restart",
    "/session_start",
    "/restart John Smith 943 476 5919",
    "/greet",
    "/nlu_fallback",
    "/switch_language",
    "/action_restart",
    "/faq",
    '/faq{"entry":"ics_chair_who"}',
    '/faq{"entry":"<script>alert(1)</script>"}',
    '/faq{"entry":"ics_chair_who","topic":"x"}',
    '/faq{"entry":',
    '/help{"topic":"no_such_topic"}',
    '/ask_organisation{"organisation":"no_such_organisation"}',
    '/faq{"entry":"' + "a" * 65 + '"}',
    '/faq{"entry":"no_such_entry"}',  # a stale button: the entry is gone from the KB
    "/",
    "//",
)
MARKUP = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img/src/onerror=alert(1)>",
    "<img src=x onerror=alert(1)",
    "<svg onload=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<a href='javascript:alert(1)'>who chairs the ICS?</a>",
    "<style>*{display:none}</style>",
    "<!-- who chairs the ICS? -->",
    "<<<<>>>>",
    "</script>",
    "<b>what is the ICB?</b>",
)
# Text that a careless server might echo or that looks like a fault.
TRACE_BAIT = (
    "Traceback (most recent call last):",
    'File "/etc/passwd", line 1',
    "Exception: boom",
    "{{7*7}}",
    "${jndi:ldap://example.invalid/a}",
    "%s%s%s%n",
    "'; DROP TABLE events; --",
    "../../etc/passwd",
    "NaN",
)
CONTROL = (
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
)
SURROGATES = ("\ud800", "\udfff", "\ud83d", "\udc00\ud800", "who chairs the ICS?\ud800")
SCRIPTS = ("مرحبا", "你好", "ਸਤ ਸ੍ਰੀ ਅਕਾਲ", "নমস্কার", "🙂🙂🙂", "👩\u200d⚕️", "Z̸̢͉a̵l̶g̷o̸", "ﷺ" * 20)
# Repeated to make floods, each cut to one of FLOOD_SIZES characters.
FLOOD_UNITS = (
    "<",
    "<a ",
    "<!--",
    "&lt;",
    "</",
    "<script>",
    "&#60;",
    "\ud800",
    "\x00",
    "🙂",
    "a",
    "word ",
    "[",
    '{"',
    "/",
    "\u202e",
    "\u0301",
)
# Around the message limit (1000 characters by default) and the request limit (64 kB).
FLOOD_SIZES = (2, 100, 999, 1000, 1001, 5_000, 20_000, 60_000, 70_000)
WRONG_TYPES: tuple[Any, ...] = (
    None,
    0,
    12345,
    -1,
    1.5,
    1e308,
    True,
    False,
    [],
    ["a", "list"],
    {},
    {"text": "hi"},
)
IDS: tuple[Any, ...] = (
    None,
    "",
    "me",
    "default",
    "\ud800",
    "x" * 128,
    "x" * 129,
    "s" + "x" * 200,
    "r" + "A" * 22 + "." + "A" * 16,  # the shape of an issued id, with no valid signature
    "s" + "A" * 22 + "." + "A" * 16,
    "a\x00b",
    " ",
    "\t",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "🙂" * 10,
    "\u202e",
    *WRONG_TYPES,
)
LANGUAGES: tuple[Any, ...] = (
    "ur",
    "en",
    "EN",
    "pa",
    "ar",
    "zz",
    "",
    "ur\x00",
    "\ud800",
    "u" * 17,
    "ur-PK",
    "<script>",
    "../",
    None,
    7,
    ["ur"],
    {"code": "ur"},
)
# Numbers and literals Python's json module reads or refuses in its own ways.
NUMBER_LITERALS = (
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"-0",
    b"1" * 5000,
    b"0x10",
    b"01",
    b"true",
    b"null",
)
NESTING_DEPTHS = (21, 100, 1_000, 20_000, 40_000)
ENCODINGS = ("ascii", "utf-8", "utf-8", "utf-16", "latin-1", "bom")
BODY_SHAPES = (
    "object",
    "object",
    "object",
    "object",
    "object",
    "wrong type",
    "nested",
    "binary",
    "encoding",
    "truncated",
    "number",
    "duplicate keys",
)
EVENT_SHAPES = ("object", "object", "object", "object", "wrong type", "giant", "binary", "args")


class Picker(Protocol):
    """Where the generators' choices come from (hypothesis's ``draw``, or a seeded random)."""

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""

    def integer(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high`` inclusive."""

    def text(self, max_size: int) -> str:
        """Any text of at most ``max_size`` code points, lone surrogates included."""

    def binary(self, max_size: int) -> bytes:
        """Any bytes, at most ``max_size`` of them."""


class RandomPicker:
    """A :class:`Picker` from a seeded ``random.Random``: the same seed, the same input."""

    # Code point ranges, so that ASCII, other scripts, surrogates and astral planes all occur.
    _RANGES = ((0, 0x7F), (0x80, 0x7FF), (0x800, 0xFFFF), (0xD800, 0xDFFF), (0x10000, 0x10FFFF))

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return self._random.choice(options)

    def integer(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high`` inclusive."""
        return self._random.randint(low, high)

    def text(self, max_size: int) -> str:
        """Any text of at most ``max_size`` code points, lone surrogates included."""
        chars = []
        for _ in range(self._random.randint(0, max_size)):
            low, high = self._random.choice(self._RANGES)
            chars.append(chr(self._random.randint(low, high)))
        return "".join(chars)

    def binary(self, max_size: int) -> bytes:
        """Any bytes, at most ``max_size`` of them."""
        return self._random.randbytes(self._random.randint(0, max_size))


def flood(pick: Picker) -> str:
    """A unit such as ``<`` repeated to one of :data:`FLOOD_SIZES` characters."""
    unit, size = pick.choice(FLOOD_UNITS), pick.choice(FLOOD_SIZES)
    return (unit * (size // len(unit) + 1))[:size]


def piece(pick: Picker) -> str:
    """One short hostile or ordinary text."""
    kind = pick.integer(0, 8)
    if kind == 8:
        return pick.text(40)
    options = (QUESTIONS, SLASH_COMMANDS, MARKUP, TRACE_BAIT, CONTROL, SURROGATES, SCRIPTS)
    return pick.choice(options[min(kind, len(options) - 1)])


def message_text(pick: Picker) -> Any:
    """A message: usually text (pieces, a flood, random characters), sometimes not text at all."""
    kind = pick.integer(0, 9)
    if kind <= 4:
        return pick.choice(("", " ")).join(piece(pick) for _ in range(pick.integer(1, 4)))
    if kind <= 6:
        return flood(pick)
    if kind == 7:
        return pick.text(300)
    if kind == 8:
        return pick.choice(WRONG_TYPES)
    return nested(pick.choice(NESTING_DEPTHS[:2]), pick.choice(("list", "object")))


def nested(depth: int, kind: str) -> Any:
    """A list or object nested ``depth`` deep (built without recursion)."""
    value: Any = "who chairs the ICS?"
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


def metadata(pick: Picker) -> Any:
    """A message's metadata: the language choice, junk, big, deep, a string, or a wrong type."""
    kind = pick.integer(0, 9)
    if kind <= 2:
        return {"language": pick.choice(LANGUAGES)}
    if kind == 3:
        return {"language": pick.choice(LANGUAGES), piece(pick): pick.choice(WRONG_TYPES)}
    if kind == 4:
        return {"blob": flood(pick)[:4000], "language": "ur"}
    if kind == 5:
        return nested(pick.choice((5, 19, 21, 40)), pick.choice(("list", "object")))
    if kind == 6:
        return pick.choice(('{"language": "ur"}', "not json", "[1, 2]", "\ud800", "{" * 100))
    if kind == 7:
        return {"language": "ur", "customData": {"language": "pa"}, "original_text": "x"}
    return pick.choice(WRONG_TYPES)


def conversation_id(pick: Picker, issued: Sequence[str]) -> Any:
    """A sender or session id: one this server issued, or a made-up, forged or unusable one."""
    if issued and pick.integer(0, 3) == 0:
        return pick.choice(issued)
    if pick.integer(0, 7) == 0:
        return pick.text(140)
    return pick.choice(IDS)


def message_object(pick: Picker, issued: Sequence[str], id_key: str) -> dict[str, Any]:
    """A valid-looking message: some of ``id_key``, message, metadata, customData and junk."""
    body: dict[str, Any] = {}
    if pick.integer(0, 3):
        body[id_key] = conversation_id(pick, issued)
    if pick.integer(0, 7):
        body["message"] = message_text(pick)
    if pick.integer(0, 1):
        body["metadata"] = metadata(pick)
    if pick.integer(0, 3) == 0:
        body["customData"] = metadata(pick)
    if pick.integer(0, 5) == 0:
        body[piece(pick)] = pick.choice(WRONG_TYPES)
    return body


def encode(value: Any, encoding: str) -> bytes:
    """``value`` as JSON in ``encoding``; lone surrogates give invalid UTF-8, as a client may."""
    if encoding == "ascii":
        return json.dumps(value).encode("ascii")
    text = json.dumps(value, ensure_ascii=False)
    if encoding == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if encoding == "latin-1":
        return text.encode("latin-1", "replace")
    data = text.encode("utf-8", "surrogatepass")
    return b"\xef\xbb\xbf" + data if encoding == "bom" else data


def rest_body(pick: Picker, issued: Sequence[str] = ()) -> bytes:
    """A raw REST request body, from a plausible message to bytes that are not JSON at all.

    Args:
        pick: Where the choices come from.
        issued: Conversation ids the server issued, so that some bodies continue one.
    """
    shape = pick.choice(BODY_SHAPES)
    if shape == "object":
        return encode(message_object(pick, issued, "sender"), pick.choice(ENCODINGS[:3]))
    if shape == "wrong type":
        return encode(pick.choice((*WRONG_TYPES, "text", QUESTIONS[0])), "ascii")
    if shape == "nested":
        depth, kind = pick.choice(NESTING_DEPTHS), pick.choice(("list", "object"))
        opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
        inner = opening * depth + ("" if kind == "list" else "1") + closing * depth
        field = pick.choice(("body", "message", "metadata", "sender"))
        return (inner if field == "body" else f'{{"{field}": {inner}}}').encode("ascii")
    if shape == "binary":
        return pick.binary(512)
    if shape == "encoding":
        return encode(message_object(pick, issued, "sender"), pick.choice(ENCODINGS))
    if shape == "truncated":
        data = encode(message_object(pick, issued, "sender"), "utf-8")
        return data[: pick.integer(0, max(0, len(data) - 1))]
    if shape == "number":
        key = pick.choice((b"message", b"sender", b"metadata"))
        return b'{"' + key + b'": ' + pick.choice(NUMBER_LITERALS) + b"}"
    return b'{"message": "hi", "message": ' + encode(message_text(pick), "utf-8") + b"}"


def socketio_data(pick: Picker, issued: Sequence[str] = ()) -> tuple[Any, ...]:
    """The arguments of a ``session_request`` or ``user_uttered`` event (usually one).

    Args:
        pick: Where the choices come from.
        issued: Session ids the server issued, so that some events name one.

    Returns:
        The event's arguments: ``()`` for none, more than one for a client that sends extras.
    """
    shape = pick.choice(EVENT_SHAPES)
    if shape == "object":
        return (message_object(pick, issued, "session_id"),)
    if shape == "wrong type":
        value = pick.choice(WRONG_TYPES)
        return () if value is None else (value,)
    if shape == "giant":
        return (flood(pick),)
    if shape == "binary":
        return (pick.binary(256),)
    return (message_object(pick, issued, "session_id"), pick.choice(WRONG_TYPES))


def socketio_packet_chars(event: str, args: tuple[Any, ...]) -> int:
    """The length of the engine.io text frame python-socketio sends for ``event`` and ``args``.

    The server drops (and disconnects) a frame longer than its limit, so a test knows from
    this whether to expect an answer. Binary attachments are sent as frames of their own.
    """
    data = [event, *(arg for arg in args if not isinstance(arg, bytes))]
    return 2 + len(json.dumps(data, separators=(",", ":")))


def text_problems(texts: Sequence[str]) -> list[str]:
    """What is wrong with the texts of one reply: echoed markup, a trace, a failure, a repeat."""
    problems = []
    for text in texts:
        lowered = text.lower()
        problems += [f"echoes {m!r}" for m in MARKUP_MARKERS if m in lowered]
        problems += [f"shows a trace ({m!r})" for m in TRACE_MARKERS if m in text]
        problems += [f"says {key}" for key in FAILURE_KEYS if message(key) in text]
    repeated = {text for text in texts if texts.count(text) > 1}
    problems += [f"repeats {texts.count(text)} times: {text[:60]!r}" for text in repeated]
    return problems


def rest_reply_problems(status: int, payload: bytes) -> list[str]:
    """What is wrong with a REST response to any body (an empty list: nothing).

    Any status below 500 may answer hostile input (400, 413, 429); what it says must be JSON
    that neither echoes markup nor shows a trace, and a 200 must hold at least one message.
    """
    if status >= 500:
        return [f"server error {status}"]
    raw = payload.decode("utf-8", "replace")
    problems = [f"shows a trace ({m!r})" for m in TRACE_MARKERS if m in raw]
    try:
        reply = json.loads(payload)
    except ValueError:
        return [*problems, f"{status} is not JSON: {raw[:80]!r}"]
    if status == 200:
        if not isinstance(reply, list) or not reply:
            return [*problems, f"200 without messages: {raw[:80]!r}"]
        texts = [str(item.get("text") or "") for item in reply if isinstance(item, dict)]
    else:
        said = reply.get("error") or reply.get("message") if isinstance(reply, dict) else raw
        texts = [str(said or "")]
    return problems + text_problems(texts)


def log_traces(log_text: str) -> list[str]:
    """The stack traces in a server's log (the start of each), but for the known noise."""
    blocks = log_text.split("Traceback (most recent call last):")[1:]
    return [block[:600] for block in blocks if WEBSOCKET_CLOSE_NOISE not in block[:600]]
