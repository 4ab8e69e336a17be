"""Build a tiny but valid Argos pack (.argosmodel) offline, in well under a second.

The pack has everything Argos 1.11 loads:

- ``sentencepiece.model``: trained with SentencePiece's own trainer on a small generated corpus
  covering printable ASCII, so any ASCII text (without ``_``, which Argos turns into a space)
  round-trips exactly.
- ``model/``: a one-layer CTranslate2 Transformer written from numpy weights that copies its
  input, piece by piece, except the pieces named in ``word_map``, which it replaces. Position
  is the only thing the decoder sees: its cross-attention matches its own position with the
  source position (one-hot position encodings), reads that source piece's one-hot embedding and
  the output projection turns it into the (mapped) piece. CTranslate2 appends ``</s>`` to the
  source, and every query also leans a little towards that ``</s>`` so that, past the end,
  all beams finish. The self-attention and feed-forward sublayers are zero: they add nothing.
  Every vector has a fixed number of equal non-zero entries, so each layer norm is the same
  affine map everywhere and changes no attention or output ranking.
- ``minisbd/<from>.onnx``: a MiniSBD sentence splitter in the format minisbd loads (an ONNX
  model taking ``units`` and ``features``, with ``config``, ``vocab`` and ``lexicon`` metadata)
  that ends a sentence after ``.``, ``!`` or ``?``.
- ``metadata.json``.

It also has :func:`block_network`, the tests' guard against any network use.
"""

from __future__ import annotations

import json
import random
import socket
import string
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import onnx
import pytest
import sentencepiece as spm
from ctranslate2.specs import transformer_spec
from onnx import TensorProto, helper, numpy_helper

MAX_POSITIONS = 256  # the longest sentence, in pieces (plus </s>), the model can copy
FFN_SIZE = 4
QUERY_SCALE = 60.0  # the matching source position wins attention overwhelmingly ...
EOS_BONUS = 20.0  # ... the source </s> wins when no position matches (past the end)
OUTPUT_SCALE = 30.0  # the copied piece wins the output by a wide margin
SENTENCE_ENDS = (".", "!", "?")
_WORDS = (
    "hello world how are you today the quick brown fox jumps over lazy dog please help me "
    "find my doctor appointment pharmacy hospital thank you good morning evening"
).split()


def build_pack(
    folder: Path,
    from_code: str = "en",
    to_code: str = "cy",
    word_map: Mapping[str, str] | None = None,
    *,
    version: str = "1.0",
    with_metadata: bool = True,
    with_splitter: bool = True,
) -> Path:
    """Build ``<folder>/<from>_<to>-<version>.argosmodel`` and return its path.

    Args:
        folder: Where to write the pack (and its unzipped working copy).
        from_code: The language the pack translates from.
        to_code: The language the pack translates into.
        word_map: Words (without spaces) the model replaces, e.g. ``{"Hello": "Shwmae"}``.
        version: The pack's package_version.
        with_metadata: False leaves metadata.json out (an invalid pack).
        with_splitter: False leaves the MiniSBD model out.
    """
    word_map = dict(word_map or {})
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    pack = folder / f"{from_code}_{to_code}-{version}" / name
    (pack / "model").mkdir(parents=True)
    vocabulary = _train_sentencepiece(pack / "sentencepiece.model", word_map)
    _copy_model_spec(vocabulary, word_map).save(str(pack / "model"))
    if with_splitter:
        (pack / "minisbd").mkdir()
        (pack / "minisbd" / f"{from_code}.onnx").write_bytes(_splitter_model(from_code))
    if with_metadata:
        metadata = {
            "package_version": version,
            "argos_version": "1.11.0",
            "from_code": from_code,
            "from_name": from_code.upper(),
            "to_code": to_code,
            "to_name": to_code.upper(),
            "type": "translate",
            "links": [],
        }
        (pack / "metadata.json").write_text(json.dumps(metadata, indent=2))
    archive = folder / f"{from_code}_{to_code}-{version}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as pack_zip:
        for file in sorted(pack.rglob("*")):
            pack_zip.write(file, file.relative_to(pack.parent).as_posix())
    return archive


def block_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every socket connection and name lookup fail, and return the list of attempts."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[1:] if args and isinstance(args[0], socket.socket) else args))
        raise OSError("network access is blocked in the translation tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _train_sentencepiece(path: Path, word_map: Mapping[str, str]) -> list[str]:
    rng = random.Random(0)
    corpus = [" ".join(rng.choices(_WORDS, k=8)).capitalize() + "." for _ in range(200)]
    corpus += [string.ascii_letters, string.digits, string.punctuation.replace("_", "")] * 5
    symbols = sorted(set(word_map) | set(word_map.values()))
    with path.open("wb") as model:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(corpus),
            model_writer=model,
            model_type="unigram",
            vocab_size=120,
            hard_vocab_limit=False,
            character_coverage=1.0,
            user_defined_symbols=symbols,
            minloglevel=2,
        )
    processor = spm.SentencePieceProcessor(model_file=str(path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _copy_model_spec(
    vocabulary: list[str], word_map: Mapping[str, str]
) -> transformer_spec.TransformerSpec:
    size, positions = len(vocabulary), MAX_POSITIONS
    depth = positions + size  # [one-hot position | one-hot source piece]
    eos = positions + vocabulary.index("</s>")

    def matrix(rows: int, columns: int) -> np.ndarray:
        return np.zeros((rows, columns), np.float32)

    def set_linear(spec: object, weight: np.ndarray, bias: np.ndarray | None = None) -> None:
        spec.weight = weight.astype(np.float32)
        spec.bias = np.zeros(len(weight), np.float32) if bias is None else bias

    def set_layer_norm(spec: object) -> None:
        spec.gamma = np.ones(depth, np.float32)
        spec.beta = np.zeros(depth, np.float32)

    def set_silent_sublayers(layer: object) -> None:
        set_layer_norm(layer.self_attention.layer_norm)
        set_linear(layer.self_attention.linear[0], matrix(3 * depth, depth))
        set_linear(layer.self_attention.linear[1], matrix(depth, depth))
        set_layer_norm(layer.ffn.layer_norm)
        set_linear(layer.ffn.linear_0, matrix(FFN_SIZE, depth))
        set_linear(layer.ffn.linear_1, matrix(depth, FFN_SIZE))

    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=1)
    encoder, decoder = spec.encoder, spec.decoder
    position_encodings = matrix(positions, depth)
    position_encodings[:, :positions] = np.eye(positions)
    source_embeddings = matrix(size, depth)
    source_embeddings[:, positions:] = np.eye(size)

    encoder.scale_embeddings = False
    encoder.embeddings[0].weight = source_embeddings
    encoder.position_encodings.encodings = position_encodings
    set_layer_norm(encoder.layer_norm)
    set_silent_sublayers(encoder.layer[0])

    decoder.scale_embeddings = False
    decoder.embeddings.weight = matrix(size, depth)  # the previous piece does not matter
    decoder.position_encodings.encodings = position_encodings
    set_layer_norm(decoder.layer_norm)
    layer = decoder.layer[0]
    set_silent_sublayers(layer)
    set_layer_norm(layer.attention.layer_norm)
    query, query_bias = matrix(depth, depth), np.zeros(depth, np.float32)
    query[:positions, :positions] = QUERY_SCALE * np.eye(positions)
    query_bias[eos] = EOS_BONUS
    set_linear(layer.attention.linear[0], query, query_bias)
    keys_values = matrix(2 * depth, depth)
    keys_values[:positions, :positions] = np.eye(positions)  # keys: the source position ...
    keys_values[eos, eos] = 1.0  # ... and whether the source piece is </s>
    keys_values[depth + positions :, positions:] = np.eye(size)  # values: the source piece
    set_linear(layer.attention.linear[1], keys_values)
    set_linear(layer.attention.linear[2], np.eye(depth))
    projection = matrix(size, depth)
    for index, piece in enumerate(vocabulary):
        projection[vocabulary.index(word_map.get(piece, piece)), positions + index] = OUTPUT_SCALE
    set_linear(decoder.projection, projection)

    spec.config.add_source_eos = True
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize()
    return spec


def _splitter_model(language: str) -> bytes:
    units = ["<PAD>", "<UNK>", *SENTENCE_ENDS]
    # Scores for MiniSBD's labels 0 (inside a token) ... 2 (end of sentence), 3, 4 (MWT).
    scores = np.zeros((len(units), 5), np.float32)
    scores[:, 0] = 1.0
    scores[2:] = [0.0, 0.0, 1.0, 0.0, 0.0]
    graph = helper.make_graph(
        [helper.make_node("Gather", ["scores", "units"], ["labels"], axis=0)],
        "sentence_ends",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info(
                "features", TensorProto.FLOAT, ["batch", "length", "features"]
            ),
        ],
        [helper.make_tensor_value_info("labels", TensorProto.FLOAT, ["batch", "length", 5])],
        [numpy_helper.from_array(scores, "scores")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    vocab = {
        "lang": "",
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_id2unit": units,
        "_unit2id": {unit: index for index, unit in enumerate(units)},
    }
    config = {
        "feat_funcs": ["space_before"],
        "use_dictionary": False,
        "num_dict_feat": 0,
        "max_seqlen": 1000,
        "skip_newline": False,
        "no_ssplit": False,
        "batch_size": 32,
    }
    metadata = {"lang_code": language, "config": json.dumps(config), "vocab": json.dumps(vocab)}
    helper.set_model_props(model, {**metadata, "lexicon": "null"})
    onnx.checker.check_model(model)
    return model.SerializeToString()
