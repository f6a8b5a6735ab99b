"""How generic each sentence is: its mean cosine to the sentences most like it in the corpus.

A sentence much like many others ("Symptoms depend on where the cancer has spread.",
"Chemotherapy is usually offered for stage 4 or recurrent rectal cancer.") restates the
documents' common ground; the small embedding model ranks such sentences close to almost any
question on their topic, ahead of the specific sentence that answers it ("There is no standard
treatment for distant metastasis."). Answer scoring subtracts
`sentence_generic_weight` times this number (README, "How it works").
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

# The mean is over this many nearest neighbours …
NEIGHBOURS = 10
# … among at most this many reference sentences, evenly spaced through the corpus (exact up to
# this size), so that a sentence costs at most this many dot products on any corpus.
MAX_REFERENCE = 4096


class Genericness:
    """Computed for the sentences a question's answer weighs, when first needed, and
    remembered: nothing is spent at load, even on a corpus of hundreds of thousands of
    sentences."""

    def __init__(
        self, vectors: np.ndarray, k: int = NEIGHBOURS, max_reference: int = MAX_REFERENCE
    ) -> None:
        n = len(vectors)
        self._vectors = vectors
        self._reference = np.unique(np.linspace(0, n - 1, min(n, max_reference)).astype(np.int64))
        self._k = min(k, len(self._reference) - 1)
        self._known = np.full(n, np.nan, dtype=np.float32)
        self._lock = threading.Lock()

    def of(self, rows: Sequence[int]) -> np.ndarray:
        """The mean cosine of each sentence row to its k nearest other reference sentences
        (0 in a corpus of one sentence)."""
        wanted = np.asarray(rows, dtype=np.int64)
        with self._lock:
            missing = np.unique(wanted[np.isnan(self._known[wanted])])
            if len(missing):
                self._known[missing] = self._compute(missing)
            return self._known[wanted].copy()

    def _compute(self, rows: np.ndarray) -> np.ndarray:
        if self._k < 1:
            return np.zeros(len(rows), dtype=np.float32)
        sims = self._vectors[rows] @ self._vectors[self._reference].T
        # A sentence is not its own neighbour.
        at = np.minimum(np.searchsorted(self._reference, rows), len(self._reference) - 1)
        own = self._reference[at] == rows
        sims[np.nonzero(own)[0], at[own]] = -np.inf
        nearest = np.partition(sims, -self._k, axis=1)[:, -self._k :]
        mean: np.ndarray = nearest.mean(axis=1)
        return mean
