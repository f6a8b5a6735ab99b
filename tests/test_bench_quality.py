"""qa bench-quality on a tiny synthetic file in MedQuAD's format (the real data is never copied)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import ConfigError
from qa.evaluation import bench_quality
from tests.fakes import FakeEmbedder

ROWS = [
    (
        "q1",
        "CancerGov",
        "Anal Cancer",
        "What is (are) Anal Cancer ?",
        "Key Points\n    - Anal cancer is a disease in which malignant cells form in the tissues of the anus.    - Smoking can affect the risk of anal cancer.",
    ),
    (
        "q2",
        "CancerGov",
        "Anal Cancer",
        "How to diagnose Anal Cancer ?",
        "Tests that examine the rectum and anus are used to diagnose anal cancer. A digital rectal exam is an exam of the anus and rectum.",
    ),
    (
        "q3",
        "CancerGov",
        "Rectal Cancer",
        "What are the treatments for Rectal Cancer ?",
        "Surgery is the most common treatment for all stages of rectal cancer. Radiation therapy uses high-energy x-rays to kill cancer cells.",
    ),
    (
        "q3",
        "CancerGov",
        "Rectal Cancer",
        "What is the outlook for Rectal Cancer ?",
        "Surgery is the most common treatment for all stages of rectal cancer. Radiation therapy uses high-energy x-rays to kill cancer cells.",
    ),
    (
        "q5",
        "GHR",
        "Lactose intolerance",
        "What is lactose intolerance ?",
        "Lactose intolerance is an impaired ability to digest lactose, a sugar found in milk.",
    ),
]


@pytest.fixture
def medquad_file(tmp_path: Path) -> Path:
    path = tmp_path / "medquad.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for qid, source, focus, question, answer in ROWS:
            row = {
                "qid": qid,
                "document_id": qid.split("-")[0],
                "source": source,
                "url": "",
                "focus": focus,
                "qtype": "information",
                "question": question,
                "answer": answer,
            }
            f.write(json.dumps(row) + "\n")
    return path


def test_reading_filters_by_source_and_shares_identical_answers(medquad_file: Path) -> None:
    corpus = bench_quality.read_medquad(medquad_file, "CancerGov")
    assert [d.id for d in corpus.documents] == ["row00001", "row00002", "row00003"]
    assert [p.doc_id for p in corpus.pairs] == ["row00001", "row00002", "row00003", "row00003"]
    first = corpus.documents[0]
    assert first.meta.title == "Anal Cancer" and first.meta.publisher == "CancerGov"
    # Items run together on one line become separate lines (bullets).
    assert "anus.\nSmoking" in first.text
    assert len(bench_quality.read_medquad(medquad_file).documents) == 4


def test_unreadable_or_empty_selection_is_a_config_error(
    medquad_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="no question-answer pairs from Nowhere"):
        bench_quality.read_medquad(medquad_file, "Nowhere")
    with pytest.raises(ConfigError, match="cannot be read"):
        bench_quality.read_medquad(tmp_path / "missing.jsonl")


def test_sample_is_fixed_by_the_seed() -> None:
    pairs = [bench_quality.Pair(str(i), f"q{i}", f"d{i}") for i in range(50)]
    a = bench_quality.sample_pairs(pairs, 10, seed=1)
    assert a == bench_quality.sample_pairs(pairs, 10, seed=1) and len(a) == 10
    assert bench_quality.sample_pairs(pairs, None) == pairs
    assert bench_quality.sample_pairs(pairs, 500) == pairs


def test_gain_ratio() -> None:
    assert bench_quality.gain({"m": 0.6, "n": 0.5}, {"m": 0.3, "n": 0.0}) == {"m": 2.0, "n": None}


def test_run_reports_every_metric(medquad_file: Path, tmp_path: Path) -> None:
    settings = Settings.of(index_dir=tmp_path / "bench-index", sources_dir=tmp_path / "none")
    result = bench_quality.run(
        medquad_file, FakeEmbedder(), settings, source="CancerGov", sample=3, progress=False
    )
    assert result["questions"] == 3 and result["documents"] == 3
    assert set(result["retrieval"]) == {"hybrid", "dense", "bm25"}
    for scores in result["retrieval"].values():
        assert set(scores) == {"recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10"}
        assert all(0.0 <= v <= 1.0 for v in scores.values())
        assert scores["recall_at_1"] <= scores["recall_at_5"] <= scores["recall_at_10"]
    assert set(result["gain_over_dense"]) == set(result["retrieval"]["hybrid"])
    assert set(result["extraction"]) == {
        "quotes_own_answer",
        "would_abstain",
        "quotes_own_answer_when_answered",
    }
    assert result["credit"] == bench_quality.CREDIT
    assert (tmp_path / "bench-index" / "CURRENT").exists()
    lines = bench_quality.summary_lines(result)
    assert any(line.startswith("hybrid ") for line in lines)
    assert "CC BY 4.0" in lines[-1]


def test_the_command_refuses_the_apps_index_and_bad_samples(
    medquad_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from ui.cli.command import main

    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "app-index"))
    args = ["bench-quality", "medquad", str(medquad_file)]
    assert main([*args, "--index", str(tmp_path / "app-index")]) == 2
    assert "the app's index" in capsys.readouterr().err
    assert main([*args, "--sample", "0"]) == 2
    assert "--sample" in capsys.readouterr().err
