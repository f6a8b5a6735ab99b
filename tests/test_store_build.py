"""Index writing, verification, staleness and incremental rebuilds (fake embedder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.errors import IndexCorrupt, IndexMismatch, IndexMissing
from qa.ingest.build import build_index
from qa.ingest.freshness import staleness
from qa.ingest.store import BUILDS, CURRENT, current_build, load_index, read_manifest
from qa.serving.loading import load_pipeline
from tests.fakes import FakeEmbedder


def test_manifest_records_what_built_the_index(built):
    m = read_manifest(built.ingest.index_dir)
    for key in (
        "format_version",
        "model",
        "dimension",
        "tokenizer",
        "chunking",
        "corpus_hash",
        "libraries",
        "files",
        "normalized",
        "metric",
    ):
        assert key in m
    assert m["tokenizer"] == "cl100k_base"
    assert m["normalized"] is True and m["metric"] == "inner_product"
    assert m["documents"] == 3
    assert set(m["libraries"]) >= {"faiss-cpu", "bm25s", "sentence-transformers", "tiktoken"}


def test_vectors_are_normalised_and_counts_agree(built):
    data = load_index(built.ingest.index_dir)
    assert data.dense.ntotal == len(data.chunks) == data.chunk_vectors.shape[0]
    assert np.allclose(np.linalg.norm(data.chunk_vectors, axis=1), 1.0, atol=1e-5)
    assert data.sentence_vectors.shape[0] == len(data.sentences)


def test_missing_index_says_how_to_build(settings):
    with pytest.raises(IndexMissing, match="qa index"):
        load_index(settings.ingest.index_dir)


def test_corrupt_file_is_refused_with_the_fix(built):
    build = current_build(built.ingest.index_dir)
    with (build / "chunk_vectors.npy").open("r+b") as f:
        f.seek(200)
        f.write(b"\x00garbage\x00")
    with pytest.raises(IndexCorrupt, match=r"chunk_vectors\.npy.*qa index"):
        load_index(built.ingest.index_dir)


def test_truncated_manifest_is_refused(built):
    build = current_build(built.ingest.index_dir)
    (build / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(IndexCorrupt):
        load_index(built.ingest.index_dir)


def test_pointer_to_missing_build_is_refused(built):
    (built.ingest.index_dir / CURRENT).write_text("nope\n", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="qa index"):
        load_index(built.ingest.index_dir)


def test_edited_source_is_detected_as_stale(built, fake_embedder):
    (built.ingest.sources_dir / "chemo-guide.txt").write_text("Chemotherapy is new text here.\n")
    reasons = staleness(built, read_manifest(built.ingest.index_dir), fake_embedder.name)
    assert any("edited" in r for r in reasons)
    with pytest.raises(IndexMismatch, match="qa index"):
        load_pipeline(built, fake_embedder)


def test_other_chunk_settings_or_model_are_detected(built, fake_embedder):
    with pytest.raises(IndexMismatch, match="chunk settings"):
        load_pipeline(built.replace(chunk_max_tokens=64), fake_embedder)
    with pytest.raises(IndexMismatch, match="model"):
        load_pipeline(built, FakeEmbedder(name="another-model"))


def test_rebuild_embeds_only_changed_text_and_keeps_previous_build(built):
    embedder = FakeEmbedder()
    first = current_build(built.ingest.index_dir)
    report = build_index(built, embedder)
    assert report.embedded == 0 and report.reused > 0
    path = built.ingest.sources_dir / "surgery-notes.md"
    path.write_text(path.read_text() + "\nSurgery may be followed by chemotherapy.\n")
    embedder.encoded.clear()
    report = build_index(built, embedder)
    assert 0 < report.embedded < report.reused
    assert all("FOLFIRI" not in t for t in embedder.encoded)  # other documents untouched
    builds = sorted(p.name for p in (built.ingest.index_dir / BUILDS).iterdir())
    assert len(builds) == 2 and first.name not in builds  # the one before stays as a way back


def test_failed_write_leaves_current_build_served(built, monkeypatch):
    before = current_build(built.ingest.index_dir)

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("qa.ingest.store_write._save_npy", boom)
    with pytest.raises(OSError):
        build_index(built, FakeEmbedder())
    assert current_build(built.ingest.index_dir) == before
    assert not list((built.ingest.index_dir / BUILDS).glob(".tmp-*"))
    load_index(built.ingest.index_dir)


def test_unreadable_file_is_reported_and_rest_indexed(settings, fake_embedder):
    (settings.ingest.sources_dir / "scan.pdf").write_bytes(b"%PDF-1.4")
    (settings.ingest.sources_dir / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    report = build_index(settings, fake_embedder)
    assert report.documents == 3
    assert any("scan.pdf" in p for p in report.problems)
    assert any("latin1.txt" in p and "UTF-8" in p for p in report.problems)
    assert json.loads((current_build(settings.ingest.index_dir) / "manifest.json").read_text())["problems"]


def test_dropped_file_can_be_asked_about(settings, fake_embedder):
    (settings.ingest.sources_dir / "stoma-care.txt").write_text(
        "Stoma care\n\nA stoma nurse teaches you how to change the pouch every few days.\n"
    )
    build_index(settings, fake_embedder)
    p = load_pipeline(settings.replace(abstain_min_support=-1.0), fake_embedder)
    a = p.ask("Who teaches me to change the stoma pouch?")
    assert a.citations and a.citations[0].source_id == "stoma-care"
    assert a.citations[0].title == "Stoma care"  # derived: the file is not in the catalog


def test_editing_one_document_embeds_only_that_documents_text(built):
    """The embedding cache is keyed by content: only the edited sentence, the chunks that hold
    it and the sentence read after it in its paragraph are embedded again, nothing of the other
    documents."""
    embedder = FakeEmbedder()
    path = built.ingest.sources_dir / "chemo-guide.txt"
    path.write_text(path.read_text().replace("fatigue, nausea", "fatigue, diarrhoea, nausea"))
    report = build_index(built, embedder)
    data = load_index(built.ingest.index_dir)
    holding = [c for c in data.chunks if "diarrhoea" in c.text]
    assert holding and {c.doc_id for c in holding} == {"chemo-guide"}
    # + the sentence, + the next one in its context ("… hair loss. Your care team can help …")
    assert report.embedded == len(embedder.encoded) == len(holding) + 2
    assert all("diarrhoea" in text for text in embedder.encoded)
    contexts = sum(bool(s.context_key) for s in data.sentences)
    assert report.reused == len(data.chunks) + len(data.sentences) + contexts - report.embedded


def test_what_cleaning_removed_is_kept_in_the_index(built):
    data = load_index(built.ingest.index_dir)
    shares = [d.removed_share for d in data.documents.values()]
    assert all(s is not None and 0.0 <= s < 1.0 for s in shares)
