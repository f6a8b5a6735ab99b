"""`qa bench` in-process on tiny corpora with the fake embedder (no timings asserted)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from qa.config import Settings
from qa.errors import ConfigError
from qa.evaluation.bench import BenchOptions, percentiles, run_bench
from qa.evaluation.bench_table import render_table
from qa.ingest.corpus import load_corpus
from tests.fakes import FakeEmbedder

REQUIRED = {
    "corpus",
    "documents",
    "chunks",
    "build_s",
    "build_chunks_per_s",
    "encode_chunks_per_s",
    "rss_peak_mb",
    "index_mb",
    "answer_ms",
    "retrieve_ms",
    "baseline_ms",
}

RECORDS = [
    {
        "question": "What is FOLFIRI?",
        "answer": "FOLFIRI is a chemotherapy combination.    - It includes irinotecan.",
        "focus": "FOLFIRI",
        "source": "CancerGov",
    },
    {
        "question": "What are the symptoms of anemia?",
        "answer": "Anemia can make you feel tired and weak. It may cause pale skin.",
        "focus": "Anemia",
        "source": "GARD",
    },
    {
        "question": "How is liver cancer treated?",
        "answer": "Liver cancer may be treated with surgery, ablation or embolization.",
        "focus": "Liver cancer",
        "source": "CancerGov",
    },
]


@pytest.fixture
def medquad_file(tmp_path):
    path = tmp_path / "tiny.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in RECORDS:
            f.write(json.dumps(r) + "\n")
    return path


def _run(settings: Settings, corpus: Path, **kw: Any) -> dict[str, Any]:
    options = BenchOptions(corpus=corpus, questions=12, cold_start=False, bars=False, **kw)
    return run_bench(options, settings, FakeEmbedder())


def test_folder_bench_reports_the_required_figures(settings):
    result = _run(settings, settings.ingest.sources_dir)
    assert set(result) >= REQUIRED
    for name in ("answer_ms", "retrieve_ms", "baseline_ms"):
        assert set(result[name]) == {"p50", "p95", "p99"}
    assert result["documents"] == 3 and result["chunks"] > 0
    assert result["questions"] == 12 and sum(result["answer_statuses"].values()) == 12
    assert 0 < result["answer_questions"] <= 12 and "retrieval_questions" not in result
    assert result["dense_index"] == {"type": "IndexFlatIP"} and result["ann_recall_at_10"] is None
    edit = result["rebuild_after_edit"]
    assert 0 < edit["embedded"] < result["chunks"] + result["sentences"]
    json.dumps(result)  # the --json output is plain JSON
    assert "rebuild after editing one document" in render_table(result)
    assert not settings.ingest.index_dir.exists()  # the app's index folder is never touched


def test_jsonl_bench_with_hnsw_reports_recall(settings, medquad_file, tmp_path):
    index = tmp_path / "bench-index"
    result = _run(
        settings.replace(ann_threshold=1, hnsw_m=8),
        medquad_file,
        source="CancerGov",
        index_dir=index,
    )
    assert result["documents"] == 2 and "source=CancerGov" in result["corpus"]
    assert result["dense_index"]["type"] == "IndexHNSWFlat"
    assert 0.0 <= result["ann_recall_at_10"] <= 1.0
    assert result["rebuild_after_edit"]["embedded"] > 0
    assert (index / "CURRENT").exists()  # a given --index folder is kept


def test_jsonl_documents_and_questions(medquad_file):
    corpus = load_corpus(medquad_file)
    assert [d.id for d in corpus.loaded.documents] == ["line-00001", "line-00002", "line-00003"]
    assert sorted(corpus.questions) == sorted(r["question"] for r in RECORDS)
    doc = corpus.loaded.documents[0]
    assert doc.meta.title == "FOLFIRI" and doc.meta.publisher == "CancerGov"
    assert "It includes irinotecan." in doc.text


def test_bench_refuses_the_apps_index_or_a_used_folder(settings, tmp_path):
    with pytest.raises(ConfigError, match="app's index"):
        _run(settings, settings.ingest.sources_dir, index_dir=settings.ingest.index_dir)
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    with pytest.raises(ConfigError, match="not empty"):
        _run(settings, settings.ingest.sources_dir, index_dir=used)


def test_percentiles_in_milliseconds():
    assert percentiles([0.001] * 99 + [0.101]) == {"p50": 1.0, "p95": 1.0, "p99": 2.0}


def test_cold_start_spawns_qa_ask_on_the_built_index(settings, tmp_path, monkeypatch):
    from qa.evaluation.bench import cold_start
    from qa.ingest.build import build_index

    # Escalations are answered before any encoding, so the child never needs the real model.
    fake = FakeEmbedder()
    build_index(settings.replace(model=fake.name), fake)
    monkeypatch.setenv("QA_MODEL", fake.name)
    questions = ["I have crushing chest pain right now"] * 3
    result = cold_start(settings.ingest.index_dir, settings.ingest.sources_dir, questions, tmp_path)
    assert result["serve_questions"] == 3
    assert result["cold_start_s"] > 0 and result["serve_rss_peak_mb"] > 0
