"""The dense (FAISS) index by corpus size: exact inner product below a threshold, HNSW above.

Vectors are L2-normalised, so inner product is cosine similarity. Exact search
(`IndexFlatIP`) is the baseline; HNSW (`IndexHNSWFlat`, inner-product metric) is used only from
`Settings.ann_threshold` chunks on, where exact search gets slow. Its parameters go into the
manifest, and `configure` applies what the manifest says when a build is loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from qa.config import Settings

EXACT = "IndexFlatIP"
HNSW = "IndexHNSWFlat"
# Vectors added per step when building HNSW, so that a progress bar can move.
_ADD_STEP = 2048
_single_threaded = False


def build_dense(
    vectors: np.ndarray, settings: Settings, progress: Callable[[int], None] | None = None
) -> tuple[Any, dict[str, Any]]:
    """A FAISS index over `vectors` and its manifest entry ({"type", and HNSW parameters})."""
    import faiss

    n, dim = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if n < settings.ingest.ann_threshold:
        exact = faiss.IndexFlatIP(dim)
        exact.add(vectors)
        return exact, {"type": EXACT}
    hnsw = faiss.IndexHNSWFlat(dim, settings.ingest.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = settings.ingest.hnsw_ef_construction
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))  # building is parallel work
    try:
        for start in range(0, n, _ADD_STEP):
            hnsw.add(vectors[start : start + _ADD_STEP])
            if progress:
                progress(min(_ADD_STEP, n - start))
    finally:
        faiss.omp_set_num_threads(threads)
    hnsw.hnsw.efSearch = settings.ingest.hnsw_ef_search
    return hnsw, {
        "type": HNSW,
        "m": settings.ingest.hnsw_m,
        "ef_construction": settings.ingest.hnsw_ef_construction,
        "ef_search": settings.ingest.hnsw_ef_search,
    }


def single_threaded_search() -> None:
    """One OpenMP thread for FAISS searches (process-wide, set once).

    A single query gains nothing from a thread team, and on a busy 2-core machine the team's
    spin-waiting made exact search over 10,000 vectors ~30 ms instead of ~1 ms (measured).
    """
    global _single_threaded
    if not _single_threaded:
        import faiss

        faiss.omp_set_num_threads(1)
        _single_threaded = True


def configure(index: Any, entry: dict[str, Any]) -> str:
    """Check a loaded index against its manifest entry and apply the search parameters.

    Returns "" when they agree, else what is wrong (the caller reports a corrupt index).
    """
    kind = entry.get("type")
    actual = type(index).__name__
    if kind != actual or kind not in (EXACT, HNSW):
        return f"the manifest says the dense index is {kind!r}, the file holds {actual!r}"
    if kind == HNSW:
        ef = entry.get("ef_search")
        if not isinstance(ef, int) or ef < 1:
            return f"the manifest's HNSW ef_search is {ef!r}"
        index.hnsw.efSearch = ef
    return ""


def exact_index(vectors: np.ndarray) -> Any:
    """An exact inner-product index over `vectors` (the baseline approximate ones are judged by)."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def recall_at_k(approx_ids: np.ndarray, exact_ids: np.ndarray, k: int = 10) -> float:
    """Mean over queries of |approx top-k ∩ exact top-k| / |exact top-k| (ids < 0 ignored)."""
    if len(exact_ids) == 0:
        return 1.0
    shares = []
    for a, e in zip(approx_ids[:, :k], exact_ids[:, :k], strict=True):
        truth = {int(i) for i in e if i >= 0}
        if truth:
            shares.append(len(truth & {int(i) for i in a if i >= 0}) / len(truth))
    return float(np.mean(shares)) if shares else 1.0
