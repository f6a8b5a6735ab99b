"""Test doubles: a deterministic offline Embedder, and short builders for raw blocks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from qa.types import BlockKind, RawBlock

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Texts sharing words get similar vectors; the 'window' is counted in words."""

    def __init__(self, dim: int = 64, max_tokens: int = 256, name: str = "fake-embedder") -> None:
        self._dim = dim
        self._max_tokens = max_tokens
        self._name = name
        self.encoded: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def token_length(self, text: str) -> int:
        return len(text.split()) + 2  # like [CLS] … [SEP]

    def is_whole_word(self, word: str) -> bool:
        return self.token_length(word) == 3

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                stem = word[:5]
                h = int.from_bytes(hashlib.blake2b(stem.encode(), digest_size=4).digest(), "big")
                out[row, h % self._dim] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


# Raw-block builders for cleaning and chunking tests.
def P(text: str) -> RawBlock:
    return RawBlock(BlockKind.PARAGRAPH, text)


def H(text: str, level: int = 2) -> RawBlock:
    return RawBlock(BlockKind.HEADING, text, level)


def B(text: str) -> RawBlock:
    return RawBlock(BlockKind.BULLET, text)
