"""Hybrid retrieval: dense (FAISS inner product) and BM25 candidates, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from qa.config import Settings
from qa.dense import single_threaded_search
from qa.index_data import IndexData
from qa.types import Hit


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[int]], weights: Mapping[str, float], k: int
) -> list[tuple[int, float]]:
    """RRF (Cormack et al., 2009): score(d) = sum over rankings r of w_r / (k + rank_r(d)).

    Ranks are 1-based; ties keep the order of first appearance. Returns (item, score), best first.
    """
    scores: dict[int, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def dense_search(index: IndexData, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    single_threaded_search()
    k = min(k, index.dense.ntotal)
    if k == 0:
        return []
    scores, ids = index.dense.search(query_vector.reshape(1, -1).astype(np.float32), k)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def retrieve(
    index: IndexData, query_vector: np.ndarray, query_terms: Sequence[str], settings: Settings
) -> tuple[Hit, ...]:
    """The `top_k` chunks by fused rank, each with its dense and lexical rank and score, then
    the chunks of the `sentence_lexical_k` best sentences by BM25 that are not among them.

    A terse bullet ("Surgery for the primary can be safely delayed up to 5-6 months after
    radiotherapy …") can match a question's words better than any other sentence while its
    chunk, a list of other bullets, ranks low for both retrievers."""
    dense = dense_search(index, query_vector, settings.retrieval.dense_k)
    lexical = index.lexical.search(query_terms, settings.retrieval.lexical_k)
    fused = reciprocal_rank_fusion(
        {"dense": [i for i, _ in dense], "lexical": [i for i, _ in lexical]},
        {"dense": settings.retrieval.dense_weight, "lexical": settings.retrieval.lexical_weight},
        settings.retrieval.rrf_k,
    )
    dense_at = {i: (rank, score) for rank, (i, score) in enumerate(dense, 1)}
    lexical_at = {i: (rank, score) for rank, (i, score) in enumerate(lexical, 1)}
    fused_score = dict(fused)

    def hit(row: int, sentence_rank: int | None = None) -> Hit:
        d_rank, d_score = dense_at.get(row, (None, None))
        l_rank, l_score = lexical_at.get(row, (None, None))
        return Hit(
            chunk=index.chunks[row],
            row=row,
            score=fused_score.get(row, 0.0),
            dense_rank=d_rank,
            lexical_rank=l_rank,
            dense_score=d_score,
            lexical_score=l_score,
            sentence_rank=sentence_rank,
        )

    hits = [hit(row) for row, _ in fused[: settings.retrieval.top_k]]
    have = {h.row for h in hits}
    sentences = index.sentence_lexical.search(query_terms, settings.retrieval.sentence_lexical_k)
    for rank, (sentence, _) in enumerate(sentences, 1):
        row = index.sentence_chunk.get(sentence)
        if row is not None and row not in have:
            have.add(row)
            hits.append(hit(row, sentence_rank=rank))
    return tuple(hits)
