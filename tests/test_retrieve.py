"""Hybrid retrieval over the tiny corpus (fake embedder): fused chunks, then chunks found by
their sentences."""

from __future__ import annotations

from qa.answering.retrieve import retrieve
from qa.config import Settings
from qa.ingest.store import load_index
from qa.lexical import Terms
from qa.types import Hit
from tests.fakes import FakeEmbedder


def _hits(
    built: Settings, question_for_encoder: str, question_terms: str, **settings: object
) -> tuple[Hit, ...]:
    """Hits for a question whose vector and BM25 terms come from different texts."""
    index = load_index(built.ingest.index_dir)
    vector = FakeEmbedder().encode([question_for_encoder])[0]
    return retrieve(index, vector, Terms().query(question_terms), built.replace(**settings))


def test_a_sentence_matching_the_words_brings_in_its_chunk(built):
    # Dense alone decides the one fused passage (about radiation); the question's words match a
    # bullet in another document, whose chunk is added after it.
    hits = _hits(built, "radiation therapy pain", "cryotherapy cold", top_k=1, lexical_weight=0.0)
    assert hits[0].sentence_rank is None and "Cryotherapy" not in hits[0].chunk.text
    added = [h for h in hits[1:] if "Cryotherapy uses cold" in h.chunk.text]
    assert added and added[0].sentence_rank == 1
    assert len({h.row for h in hits}) == len(hits)  # no chunk twice


def test_no_sentence_channel_when_switched_off_or_already_retrieved(built):
    off = _hits(
        built,
        "radiation therapy pain",
        "cryotherapy cold",
        top_k=1,
        lexical_weight=0.0,
        sentence_lexical_k=0,
    )
    assert len(off) == 1
    found = _hits(built, "cryotherapy cold", "cryotherapy cold", top_k=10)
    assert all(h.sentence_rank is None for h in found)  # its chunk was fused in already


def test_every_sentence_maps_to_a_chunk_holding_it(built):
    index = load_index(built.ingest.index_dir)
    assert index.sentence_lexical.size == len(index.sentences)
    for row, chunk_row in index.sentence_chunk.items():
        s, chunk = index.sentences[row], index.chunks[chunk_row]
        assert s.doc_id == chunk.doc_id and chunk.start <= s.start and s.end <= chunk.end
    assert set(index.sentence_chunk) == set(range(len(index.sentences)))
