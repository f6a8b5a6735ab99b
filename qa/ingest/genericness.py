"""How generic each sentence is: its mean cosine to the sentences most like it in the corpus.

A sentence much like many others ("Symptoms depend on where the cancer has spread.",
"Chemotherapy is usually offered for stage 4 or recurrent lung cancer.") restates the
documents' common ground; the small embedding model ranks such sentences close to almost any
question on their topic, ahead of the specific sentence that answers it ("There is no standard
treatment for distant metastasis."). Answer scoring subtracts
`sentence_generic_weight` times this number (docs/how-it-works.md).

Computed once when the index is built and stored with it: a matrix product per question would
wake the BLAS library's threads, which then compete with the encoder's on a small machine
(answer p95 rose from 18 to 31 ms when it was computed per question).
"""

from __future__ import annotations

import numpy as np

# The mean is over this many nearest neighbours …
NEIGHBOURS = 10
# … among at most this many reference sentences, evenly spaced through the corpus (exact up to
# this size), so that the cost grows linearly with the corpus: about 13 s for MedQuAD's 197,891
# sentences on 2 cores.
MAX_REFERENCE = 4096
_BLOCK = 4096


def neighbour_density(
    vectors: np.ndarray, k: int = NEIGHBOURS, max_reference: int = MAX_REFERENCE
) -> np.ndarray:
    """For each row of `vectors` (unit length), the mean cosine to its `k` nearest other rows
    among the reference rows; 0 for a corpus of one sentence."""
    n = len(vectors)
    out = np.zeros(n, dtype=np.float32)
    reference = np.unique(np.linspace(0, n - 1, min(n, max_reference)).astype(np.int64))
    k = min(k, len(reference) - 1)
    if k < 1:
        return out
    ref = vectors[reference]
    for lo in range(0, n, _BLOCK):
        rows = np.arange(lo, min(lo + _BLOCK, n))
        sims = vectors[rows] @ ref.T
        # A sentence is not its own neighbour.
        at = np.minimum(np.searchsorted(reference, rows), len(reference) - 1)
        own = reference[at] == rows
        sims[np.nonzero(own)[0], at[own]] = -np.inf
        out[rows] = np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1)
    return out
