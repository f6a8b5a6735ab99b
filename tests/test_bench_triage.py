"""`qa bench-triage`: false alarms on ordinary questions, read from MedQuAD or a text file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import ConfigError
from qa.evaluation import bench_triage
from tests.fakes import FakeEmbedder
from ui.cli.command import main


def test_questions_come_from_jsonl_gz_or_text(tmp_path: Path) -> None:
    gz = tmp_path / "m.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"question": "What is (are) Stroke ?", "answer": "x"}) + "\n")
        f.write(json.dumps({"answer": "no question"}) + "\n")
    assert bench_triage.read_questions(gz) == ["What is (are) Stroke ?"]
    text = tmp_path / "q.txt"
    text.write_text("what is a fever?\n\nI have crushing chest pain\n", encoding="utf-8")
    assert bench_triage.read_questions(text) == ["what is a fever?", "I have crushing chest pain"]
    with pytest.raises(ConfigError, match="cannot read questions"):
        bench_triage.read_questions(tmp_path / "missing.txt")


def test_run_counts_levels_and_times_each_question(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bench_triage, "make_embedder", lambda _s: FakeEmbedder())
    text = tmp_path / "q.txt"
    text.write_text("what is a biopsy?\nI have crushing chest pain\nhow is it treated?\n")
    result = bench_triage.run(Settings.of(triage_cache_dir=tmp_path), text)
    assert result["questions"] == 3 and not result["semantic_layer"]
    assert result["share"] == {"emergency": 0.3333, "none": 0.6667}
    assert result["escalated"] == 0.3333 and result["triage_ms_p50"] >= 0
    assert result["examples"]["emergency"] == ["I have crushing chest pain"]
    lines = bench_triage.summary_lines(result)
    assert "rules only" in lines[0] and any("p50 / p95" in line for line in lines)


def test_cli_refuses_an_empty_file_and_a_bad_limit(tmp_path, capsys) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    assert main(["bench-triage", str(empty), "--quiet"]) == 2
    assert "holds no question" in capsys.readouterr().err
    assert main(["bench-triage", str(empty), "--limit", "0"]) == 2
