"""Index type by size: exact below `ann_threshold`, HNSW above, recorded and loaded back."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.answering.retrieve import dense_search
from qa.dense import EXACT, HNSW, build_dense, exact_index, recall_at_k
from qa.errors import IndexCorrupt, IndexMismatch
from qa.ingest.build import build_index
from qa.ingest.store import FORMAT_VERSION, MANIFEST, current_build, load_index, read_manifest
from qa.serving.loading import load_pipeline
from tests.fakes import FakeEmbedder


def test_small_corpus_gets_the_exact_index(built):
    m = read_manifest(built.ingest.index_dir)
    assert m["dense"] == {"type": EXACT} and m["dense_index"] == EXACT
    assert type(load_index(built.ingest.index_dir).dense).__name__ == EXACT


def test_hnsw_above_the_threshold_is_recorded_loaded_and_searched(settings, fake_embedder):
    s = settings.replace(ann_threshold=2, hnsw_m=8, hnsw_ef_construction=40, hnsw_ef_search=24)
    build_index(s, fake_embedder)
    m = read_manifest(s.ingest.index_dir)
    assert m["dense"] == {"type": HNSW, "m": 8, "ef_construction": 40, "ef_search": 24}
    data = load_index(s.ingest.index_dir)
    assert type(data.dense).__name__ == HNSW and data.dense.hnsw.efSearch == 24
    # Every chunk finds itself first: the approximate index searches the same vectors.
    for row, vector in enumerate(data.chunk_vectors):
        assert dense_search(data, vector, 3)[0][0] == row
    answer = load_pipeline(s.replace(abstain_min_support=-1.0), fake_embedder).ask(
        "What is used for stage 4 rectal cancer?"
    )
    assert answer.citations and answer.citations[0].source_id == "chemo-guide"


def test_manifest_and_file_must_agree_on_the_index_type(built):
    manifest_path = current_build(built.ingest.index_dir) / MANIFEST
    m = json.loads(manifest_path.read_text())
    m["dense"] = {"type": HNSW, "m": 8, "ef_construction": 40, "ef_search": 24}
    manifest_path.write_text(json.dumps(m))
    with pytest.raises(IndexCorrupt, match="dense index"):
        load_index(built.ingest.index_dir)


def test_an_older_format_is_refused_but_its_vectors_are_reused(built):
    manifest_path = current_build(built.ingest.index_dir) / MANIFEST
    m = json.loads(manifest_path.read_text())
    m["format_version"] = 1
    del m["dense"]
    manifest_path.write_text(json.dumps(m))
    with pytest.raises(IndexMismatch, match=r"format version 1.*qa index"):
        load_index(built.ingest.index_dir)
    embedder = FakeEmbedder()
    report = build_index(built, embedder)
    # Format 1 had no sentences read in their context: only those are embedded.
    data = load_index(built.ingest.index_dir)
    contexts = [s for s in data.sentences if s.context_key]
    assert contexts and report.embedded == len(embedder.encoded) == len(contexts)
    assert read_manifest(built.ingest.index_dir)["format_version"] == FORMAT_VERSION
    assert build_index(built, embedder).embedded == 0


def test_hnsw_recall_against_exact_on_random_vectors():
    from qa.config import Settings

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:50] + 0.1 * rng.standard_normal((50, 32)).astype(np.float32)
    hnsw, entry = build_dense(vectors, Settings.of(ann_threshold=1000))
    assert entry["type"] == HNSW
    _, approx = hnsw.search(queries, 10)
    _, exact = exact_index(vectors).search(queries, 10)
    assert recall_at_k(approx, exact, 10) >= 0.95
    assert recall_at_k(exact, exact, 10) == 1.0
