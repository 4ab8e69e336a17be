r"""Keep residents' words out of every log line the Rasa server writes, at every level.

The edge handles each message inside ``with handling(raw_text):`` (and calls :func:`also_hide`
for the cleaned and the translated text it makes later); Rasa processes the message inside that
block, and tasks started in it copy it. :func:`install`, called once at start-up, makes every
log record (any logger: Rasa's, Sanic's, ours; any handler, also those added later) and every
Python warning made meanwhile hide those texts: its message is formatted once, and each place
where a text shows is replaced with ``[message text]``; so are its traceback and stack.

Rasa does not log a message only as it came: its debug lines hold the text inside JSON (non-ASCII
letters written ``\u00eb``), reprs of parse results and states, lower-cased tokens, and reprs
cut to 80 characters in tracebacks. So a text is found by its words, not its characters: each
run of at least :data:`MIN_RUN_WORDS` consecutive words of the message (compared without case,
escapes decoded, punctuation ignored) is hidden wherever it shows, and the whole text when it
has fewer words. Three words of a message in a row do not occur in Rasa's own lines by chance,
while any part of a message long enough to say something about someone has them. Numbers and
codes (any word of :data:`MIN_CODE_CHARS` or more characters with a digit: a phone or NHS
number, a postcode, a date of birth) say who someone is on their own, so they are hidden alone.
Two words on their own (a name) are not hidden: the assistant extracts no entities from what
residents type (only partner organisations' names), so no log line repeats them alone.

One line carries a resident's words before any block opens: engine.io's "Received packet"
(socket.io's transport, at INFO), which is why its data is always hidden.

Records made outside any block (a thread that did not copy the context, a loop callback) hide
the texts of every message being handled at that moment. What is logged after a message's
block has ended, by code that did not copy its context, is not covered: run off-loop work with
``asyncio.to_thread`` (which copies the context), not ``loop.run_in_executor``.
"""

import contextvars
import itertools
import json
import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

REDACTED = "[message text]"
MIN_RUN_WORDS = 3
MIN_CODE_CHARS = 3
# A whole text this long is also hidden as it is (it may have no words: emoji, markup).
MIN_EXACT_CHARS = 8

# A word: letters and digits in any script, where a letter may be written as an escape
# (``\u00eb`` in JSON, ``\\u00eb`` in a repr of JSON, ``\xe9`` in ascii()).
_WORD = re.compile(
    r"(?:[^\W_]|\\+u[0-9a-fA-F]{4}|\\+U[0-9a-fA-F]{8}|\\+x[0-9a-fA-F]{2})+"
    # An escape for white space ("\n" in JSON, "\\n" in a repr of it) separates words; without
    # it, its letter would join the next word.
    r"|(?P<escape>\\+[abfnrtv])"
)
_ESCAPE = re.compile(r"\\+(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2}))")
_LETTERS = re.compile(r"[^\W_]+")

def _normal(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def _words(text: str) -> list[str]:
    return [_normal(word) for word in _LETTERS.findall(text)]


def _is_code(word: str) -> bool:
    return len(word) >= MIN_CODE_CHARS and any(ch.isdigit() for ch in word)


def _decoded(escaped: str) -> str:
    r"""``escaped`` with its ``\uXXXX``-style escapes turned back into characters."""

    def character(match: re.Match[str]) -> str:
        return chr(int(next(group for group in match.groups() if group), 16))

    text = _ESCAPE.sub(character, escaped)
    try:  # JSON writes a letter outside the BMP as two escaped surrogates
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError:
        return text


@dataclass
class _Matcher:
    """Finds the texts' words in a line; built once per set of texts."""

    exact: list[str] = field(default_factory=list)
    runs: set[tuple[str, ...]] = field(default_factory=set)
    wholes: dict[int, set[tuple[str, ...]]] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)
    vocabulary: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, texts: Iterable[str]) -> "_Matcher":
        matcher = cls()
        exact: set[str] = set()
        for text in texts:
            words = _words(text)
            matcher.vocabulary.update(words)
            matcher.codes.update(word for word in words if _is_code(word))
            if len(words) >= MIN_RUN_WORDS:
                for start in range(len(words) - MIN_RUN_WORDS + 1):
                    matcher.runs.add(tuple(words[start : start + MIN_RUN_WORDS]))
            elif words:
                matcher.wholes.setdefault(len(words), set()).add(tuple(words))
            if len(text.strip()) >= MIN_EXACT_CHARS:
                exact.update(_written_forms(text))
        matcher.exact = sorted(exact, key=len, reverse=True)
        return matcher

    def __bool__(self) -> bool:
        return bool(self.exact or self.vocabulary)

    def hide(self, line: str) -> str:
        """``line`` with each place where one of the texts shows replaced by ``REDACTED``."""
        for form in self.exact:
            if form in line:
                line = line.replace(form, REDACTED)
        if not self.vocabulary:
            return line
        spans: list[tuple[int, int]] = []
        words: list[str] = []
        for match in _WORD.finditer(line):
            if match["escape"]:
                continue
            found = match[0]
            for word in _LETTERS.findall(_decoded(found)) if "\\" in found else (found,):
                spans.append(match.span())
                words.append(_normal(word))
        if self.vocabulary.isdisjoint(words):
            return line
        hidden = self._hidden(words)
        parts, position = [], 0
        for hide, group in itertools.groupby(range(len(words)), key=hidden.__getitem__):
            if hide:
                indices = list(group)
                start, end = spans[indices[0]][0], spans[indices[-1]][1]
                if start >= position:  # escapes decoded to several words share one span
                    parts += [line[position:start], REDACTED]
                    position = end
                else:
                    position = max(position, end)
        return "".join(parts) + line[position:]

    def _hidden(self, words: list[str]) -> list[bool]:
        hidden = [word in self.codes for word in words]
        sizes = [(MIN_RUN_WORDS, self.runs), *self.wholes.items()]
        for size, sequences in sizes:
            for start in range(len(words) - size + 1):
                if tuple(words[start : start + size]) in sequences:
                    hidden[start : start + size] = [True] * size
        return hidden


def _written_forms(text: str) -> set[str]:
    """``text`` as it is, and as JSON and a repr write it inside quotes."""
    return {
        text,
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
        repr(text)[1:-1],
    }


class _Hidden:
    """The texts one ``handling`` block hides (with those of the blocks around it)."""

    def __init__(self, parent: "_Hidden | None") -> None:
        self.parent = parent
        self.texts: list[str] = []
        self.version = 0
        self._matcher: _Matcher | None = None
        self._built_for: tuple[tuple[int, int], ...] = ()

    def add(self, texts: Iterable[object]) -> None:
        self.texts.extend(text for text in texts if isinstance(text, str) and text.strip())
        self.version += 1
        _active.changed()

    def chain(self) -> Iterator["_Hidden"]:
        hidden: _Hidden | None = self
        while hidden is not None:
            yield hidden
            hidden = hidden.parent

    def matcher(self) -> _Matcher:
        versions = tuple((id(hidden), hidden.version) for hidden in self.chain())
        if self._matcher is None or versions != self._built_for:
            texts = [text for hidden in self.chain() for text in list(hidden.texts)]
            self._matcher, self._built_for = _Matcher.of(texts), versions
        return self._matcher


class _Active:
    """Every block open in the process: what records made outside any block hide."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocks: dict[int, _Hidden] = {}
        self._generation = 0
        self._matcher: tuple[int, _Matcher] | None = None

    def open(self, hidden: _Hidden) -> None:
        with self._lock:
            self._blocks[id(hidden)] = hidden
            self._generation += 1

    def close(self, hidden: _Hidden) -> None:
        with self._lock:
            self._blocks.pop(id(hidden), None)
            self._generation += 1

    def is_idle(self) -> bool:
        return not self._blocks

    def changed(self) -> None:
        with self._lock:
            self._generation += 1

    def matcher(self) -> _Matcher:
        with self._lock:
            generation, blocks = self._generation, list(self._blocks.values())
            cached = self._matcher
        if cached is not None and cached[0] == generation:
            return cached[1]
        matcher = _Matcher.of(text for block in blocks for text in list(block.texts))
        with self._lock:
            self._matcher = (generation, matcher)
        return matcher


_current: contextvars.ContextVar[_Hidden | None] = contextvars.ContextVar(
    "assistant_log_privacy_hidden", default=None
)
_active = _Active()


@contextmanager
def handling(*texts: object) -> Iterator[None]:
    """Hide ``texts`` (the message being handled) from every log record made in the block.

    Blocks nest: an inner block hides its texts and those of the blocks around it. Values that
    are not text, or are blank, are ignored.
    """
    hidden = _Hidden(_current.get())
    hidden.add(texts)
    token = _current.set(hidden)
    _active.open(hidden)
    try:
        yield
    finally:
        _active.close(hidden)
        _current.reset(token)


def also_hide(*texts: object) -> None:
    """Hide ``texts`` too, for the rest of the current ``handling`` block (none: no effect).

    Tasks started inside the block see them too, as they share the block.
    """
    hidden = _current.get()
    if hidden is not None:
        hidden.add(texts)


def hide(line: str) -> str:
    """``line`` with the texts of the message being handled replaced by ``[message text]``.

    Outside any ``handling`` block, the texts of every message being handled right now.
    """
    hidden = _current.get()
    if hidden is not None:
        return hidden.matcher().hide(line)
    if not _active.is_idle():
        return _active.matcher().hide(line)
    return line


def install() -> None:
    """Make every log record and warning from now on hide message texts (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, _MARK, False):
        logging.setLogRecordFactory(_private_factory(factory))
    if not getattr(warnings.showwarning, _MARK, False):
        warnings.showwarning = _private_showwarning(warnings.showwarning)


_MARK = "_hides_message_text"
# engine.io logs each packet a client sends, before the edge has seen it; its data is hidden.
_PACKET_LINE = "%s: Received packet %s data %s"
PACKET_DATA = "[packet data]"
WITHHELD = "[log line withheld: it could not be checked for message text]"
_RecordFactory = Callable[..., logging.LogRecord]


class _ShowWarning(Protocol):
    def __call__(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = ...,
        line: str | None = ...,
    ) -> None: ...


def _private_factory(make_record: _RecordFactory) -> _RecordFactory:
    def private_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            packet = isinstance(record.msg, str) and record.msg == _PACKET_LINE
            if packet and isinstance(record.args, tuple) and record.args:
                record.args = (*record.args[:-1], PACKET_DATA)
            if _current.get() is not None or not _active.is_idle():
                _hide_in_record(record)
        except Exception:  # never fail the code that logs; never let the line through unchecked
            record.msg, record.args = WITHHELD, ()
            record.exc_info = record.exc_text = record.stack_info = None
        return record

    setattr(private_record, _MARK, True)
    return private_record


def _hide_in_record(record: logging.LogRecord) -> None:
    """Format the record's message, traceback and stack now, with the texts hidden."""
    try:
        text = record.getMessage()
    except Exception:  # it would fail in the handler, which then prints the arguments
        text = f"{record.msg} [its arguments did not fit it, so they are not shown]"
    record.msg, record.args = hide(text), ()
    if record.exc_info and not record.exc_text:
        exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = hide(exc_text)
        if record.exc_text != exc_text:
            # A formatter that renders the exception itself would show the text again.
            record.exc_info = None
    elif record.exc_text:
        record.exc_text = hide(record.exc_text)
    if record.stack_info:
        record.stack_info = hide(record.stack_info)


def _private_showwarning(show: _ShowWarning) -> _ShowWarning:
    def private_showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        text = str(message)
        hidden = hide(text)
        if hidden != text:
            message = hidden
        show(message, category, filename, lineno, file, hide(line) if line else line)

    setattr(private_showwarning, _MARK, True)
    return private_showwarning
