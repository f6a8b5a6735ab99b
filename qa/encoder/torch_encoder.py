"""The Embedder on sentence-transformers (torch), loaded once, lazily."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from qa.config import BUNDLED_MODEL
from qa.encoder.base import load_sentence_transformer, resolve_model_path, whole_words


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU; the model loads on first use, once, thread-safely."""

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 32) -> None:
        self._model_name = model
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._model_name

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = load_sentence_transformer(resolve_model_path(self._model_name))
        return self._model

    @property
    def dim(self) -> int:
        return int(self._loaded().get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self._loaded().max_seq_length)

    def token_length(self, text: str) -> int:
        ids = self._loaded().tokenizer(text, add_special_tokens=True, truncation=False)
        return len(ids["input_ids"])

    def is_whole_word(self, word: str) -> bool:
        return word in self._whole_words

    @cached_property
    def _whole_words(self) -> frozenset[str]:
        return whole_words(self._loaded().tokenizer.get_vocab())

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1 and not progress:
            return self._encode_one(texts[0])
        vectors = self._loaded().encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _encode_one(self, text: str) -> np.ndarray:
        """One text (a question), through the same modules as `encode` without its per-call
        bookkeeping (device resolution over every parameter, sorting, a progress bar), which
        costs about as much as a short forward pass. Same result, bit for bit."""
        import torch

        model = self._loaded()
        with torch.inference_mode():
            features = model.preprocess([text])
            embedding = model(features)["sentence_embedding"]
            embedding = torch.nn.functional.normalize(embedding, p=2, dim=1)
        return np.ascontiguousarray(embedding.numpy(), dtype=np.float32)
