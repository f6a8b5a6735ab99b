"""How generic each sentence is: its mean cosine to the sentences most like it in the corpus.

A sentence much like many others ("Symptoms depend on where the cancer has spread.",
"Chemotherapy is usually offered for stage 4 or recurrent rectal cancer.") restates the
documents' common ground; the small embedding model ranks such sentences close to almost any
question on their topic, ahead of the specific sentence that answers it ("There is no standard
treatment for distant metastasis."). Answer scoring subtracts
`sentence_generic_weight` times this number (README, "How it works").
"""

from __future__ import annotations

import numpy as np

# The mean is over this many nearest neighbours …
NEIGHBOURS = 10
# … among at most this many reference sentences, evenly spaced through the corpus, so that the
# cost at load stays bounded on a large corpus (exact up to this size).
MAX_REFERENCE = 4096
_BLOCK = 4096


def neighbour_density(
    vectors: np.ndarray, k: int = NEIGHBOURS, max_reference: int = MAX_REFERENCE
) -> np.ndarray:
    """For each row of `vectors` (unit length), the mean cosine to its `k` nearest other rows
    among the reference rows; 0 for a corpus of one sentence."""
    n = len(vectors)
    reference = np.unique(np.linspace(0, n - 1, min(n, max_reference)).astype(np.int64))
    k = min(k, len(reference) - 1)
    if k < 1:
        return np.zeros(n, dtype=np.float32)
    ref = vectors[reference]
    out = np.empty(n, dtype=np.float32)
    for lo in range(0, n, _BLOCK):
        sims = vectors[lo : lo + _BLOCK] @ ref.T
        # A sentence is not its own neighbour.
        rows = np.arange(lo, min(lo + _BLOCK, n))
        at = np.searchsorted(reference, rows)
        own = (at < len(reference)) & (reference[np.minimum(at, len(reference) - 1)] == rows)
        sims[np.nonzero(own)[0], at[own]] = -np.inf
        out[lo : lo + _BLOCK] = np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1)
    return out
