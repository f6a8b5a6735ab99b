"""Evaluation reports: retrieval metrics, report.json/HTML, baseline comparison, resume."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from qa.answering.pipeline import Pipeline
from qa.config import Settings
from qa.evaluation.compare import compare, provenance_warnings
from qa.evaluation.metrics import (
    CaseRecord,
    CitedSource,
    first_rank,
    hit_at_k,
    mean_reciprocal_rank,
    retrieval_metrics,
    tag_breakdown,
)
from qa.evaluation.report import CASES_JSONL, read_cases, run_suites
from qa.evaluation.report_parts import histogram
from qa.evaluation.suites import load_suite
from qa.serving.loading import load_pipeline
from tests.fakes import FakeEmbedder
from ui.cli import eval_cmds
from ui.cli.command import main

SUITE = """
suite: tiny
questions:
  - id: folfiri
    question: "Which chemotherapy is used most often for stage 4 rectal cancer?"
    tags: [chemo]
    expect:
      sources: [chemo-guide]
      all_of: [["FOLFIRI"]]
  - id: ablation
    question: "How does radiofrequency ablation kill cancer cells?"
    tags: [surgery]
    expect:
      sources: [surgery-notes]
      all_of: [["heat"]]
  - id: xss
    question: "<script>alert('x')</script> Which chemotherapy is used most often for stage 4 rectal cancer?"
    tags: [chemo, "<b>odd</b>"]
    expect:
      sources: [radiation]
      all_of: [["no such phrase anywhere"]]
  - id: bleeding
    question: "I am bleeding heavily right now"
    expect:
      escalate: emergency
"""


def record(**changes: object) -> CaseRecord:
    base: dict[str, object] = dict(
        suite="s",
        id="c",
        question="q?",
        tags=(),
        expect_abstain=False,
        expect_escalate=None,
        expect_sources=(),
        has_phrases=True,
        status="answered",
        passed=True,
        reasons=(),
        answer="a [1]",
        answer_words=1,
        citations=(CitedSource(1, "doc", "Doc", "Section"),),
        citations_ok=True,
        disclaimer=True,
        retrieved=(),
        support=0.7,
        reason="",
    )
    base.update(changes)
    return CaseRecord(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------- pure metrics


def test_first_rank_is_one_based_and_none_when_absent() -> None:
    assert first_rank(["a", "b", "c", "b"], ["b"]) == 2
    assert first_rank(["a", "b"], ["x", "a"]) == 1
    assert first_rank(["a", "b"], ["z"]) is None
    assert first_rank([], ["a"]) is None


def test_hit_at_k_and_mrr_by_hand() -> None:
    ranks = [1, 3, None, 6]
    assert hit_at_k(ranks, 1) == 0.25
    assert hit_at_k(ranks, 3) == 0.5
    assert hit_at_k(ranks, 5) == 0.5
    # (1/1 + 1/3 + 0 + 1/6) / 4 = 1.5 / 4
    assert mean_reciprocal_rank(ranks) == 0.375
    # at depth 5 the rank-6 hit counts 0: (1 + 1/3) / 4 = 0.3333
    assert mean_reciprocal_rank(ranks, 5) == 0.3333
    assert hit_at_k([], 1) is None and mean_reciprocal_rank([]) is None


def test_retrieval_metrics_use_only_cases_with_expected_sources() -> None:
    records = [
        record(expect_sources=("a",), retrieved=("a", "b")),  # rank 1
        record(expect_sources=("a", "c"), retrieved=("b", "b", "c")),  # rank 3
        record(expect_sources=("a",), retrieved=("b",) * 6),  # miss
        record(expect_sources=(), retrieved=("z",)),  # not counted
    ]
    assert retrieval_metrics(records) == {
        "hit_at_1": 0.3333,
        "hit_at_3": 0.6667,
        "hit_at_5": 0.6667,
        "mrr": round((1 + 1 / 3) / 3, 4),
    }


def test_tag_breakdown() -> None:
    records = [
        record(tags=("chemo",), passed=True),
        record(tags=("chemo", "liver"), passed=False),
        record(tags=(), passed=True),
    ]
    assert tag_breakdown(records) == {
        "(untagged)": {"cases": 1, "passed": 1, "accuracy": 1.0},
        "chemo": {"cases": 2, "passed": 1, "accuracy": 0.5},
        "liver": {"cases": 1, "passed": 0, "accuracy": 0.0},
    }


def test_case_record_round_trips_through_json() -> None:
    r = record(tags=("a", "b"), retrieved=("x", "y"), expect_sources=("x",), reasons=("why",))
    assert CaseRecord.from_json(json.loads(json.dumps(r.to_json()))) == r


def test_histogram_draws_the_threshold_line() -> None:
    svg = histogram({"answerable": [0.6, 0.7], "unanswerable": [0.4]}, threshold=0.55)
    assert svg.startswith("<svg") and "stroke-dasharray" in svg and "0.550" in svg


# ---------------------------------------------------------------- comparison


def report_data(metrics: dict[str, float | None], passed: dict[str, bool], **prov: object):
    return {
        "provenance": {"index": {"corpus_hash": "h1"}, "settings": {"top_k": 6}, **prov},
        "suites": [
            {
                "suite": "s",
                "metrics": metrics,
                "retrieval": {},
                "cases": [{"id": k, "passed": v, "reasons": []} for k, v in passed.items()],
            }
        ],
    }


def test_compare_flags_drops_beyond_tolerance_and_lists_flips() -> None:
    old = report_data(
        {"answer_accuracy": 0.8, "false_abstain_rate": 0.05, "answer_words_p50": 60.0},
        {"a": True, "b": False, "c": True},
    )
    new = report_data(
        {"answer_accuracy": 0.79, "false_abstain_rate": 0.1, "answer_words_p50": 90.0},
        {"a": False, "b": True, "c": True, "d": True},
    )
    comp = compare(new, old, tolerance=0.02)
    by_name = {d["metric"]: d for d in comp["deltas"]}
    assert by_name["answer_accuracy"]["delta"] == -0.01
    assert not by_name["answer_accuracy"]["regressed"]  # within tolerance
    assert by_name["false_abstain_rate"]["regressed"]  # lower is better: a rise is a drop
    assert not by_name["answer_words_p50"]["regressed"]  # informational
    assert comp["regressed"]
    assert [(f["id"], f["change"]) for f in comp["flips"]] == [
        ("a", "pass→fail"),
        ("b", "fail→pass"),
    ]
    assert not compare(new, old, tolerance=0.1)["regressed"]


def test_provenance_warnings_name_the_differing_settings() -> None:
    old = {"index": {"corpus_hash": "h1"}, "settings": {"top_k": 6, "index_dir": "a"}}
    new = {"index": {"corpus_hash": "h2"}, "settings": {"top_k": 8, "index_dir": "b"}}
    warnings = provenance_warnings(new, old)
    assert any("corpus" in w for w in warnings)
    assert any("top_k 6 → 8" in w for w in warnings)
    assert not any("index_dir" in w for w in warnings)
    assert provenance_warnings(old, old) == []


# ---------------------------------------------------------------- the command


@pytest.fixture
def suite_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(textwrap.dedent(SUITE), encoding="utf-8")
    return path


@pytest.fixture
def pipeline(built: Settings) -> Pipeline:
    return load_pipeline(built, FakeEmbedder())


@pytest.fixture
def cli_eval(built: Settings, suite_path: Path, pipeline: Pipeline, monkeypatch):
    """Run `qa eval` on the tiny suite against the fake-built index; returns (run, suite path)."""
    monkeypatch.setattr(eval_cmds, "ready_pipeline", lambda s, rebuild=False: pipeline)

    def run(*extra: str) -> int:
        return main(["eval", str(suite_path), "--index", str(built.ingest.index_dir), *extra])

    return run, suite_path


def test_report_json_and_html_are_written(cli_eval, tmp_path: Path, capsys) -> None:
    run, suite = cli_eval
    out = tmp_path / "out"
    assert run("--report", str(out), "--json") == 0
    printed = json.loads(capsys.readouterr().out.splitlines()[0])
    # The --json contract of the core issue still holds; new keys are only added.
    assert {"suite", "metrics", "cases"} <= set(printed)
    assert {"id", "status", "passed", "answer", "reasons"} <= set(printed["cases"][0])

    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    prov = data["provenance"]
    assert prov["settings"]["abstain_min_support"] == Settings().abstention.abstain_min_support
    assert prov["index"]["corpus_hash"] and prov["qa_version"] and prov["date"]
    assert prov["suites"][0]["path"] == str(suite) and len(prov["suites"][0]["sha256"]) == 64
    s = data["suites"][0]
    assert set(s["retrieval"]) == {"hit_at_1", "hit_at_3", "hit_at_5", "mrr"}
    assert s["tags"]["chemo"]["cases"] == 2
    xss = next(c for c in s["cases"] if c["id"] == "xss")
    assert not xss["passed"]
    assert xss["reasons"] == [
        "missing one of: no such phrase anywhere",
        "cited chemo-guide, expected one of radiation",
    ]
    assert len((out / CASES_JSONL).read_text().splitlines()) == 4
    # Reading grade: every case carries one (None unless answered), the suite a mean and a
    # per-source breakdown of the sources its answers cite.
    grades = {c["id"]: c["reading_grade"] for c in s["cases"]}
    assert grades["bleeding"] is None and grades["folfiri"] is not None
    assert s["metrics"]["reading_grade_mean"] is not None
    assert s["reading_by_source"]["chemo-guide"]["answers"] >= 1

    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3
    assert "<script" not in html.lower()  # nothing runs, nothing loads
    assert "&lt;script&gt;alert(" in html
    assert "&lt;b&gt;odd&lt;/b&gt;" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for case_id in ("folfiri", "ablation", "xss", "bleeding"):
        assert case_id in html
    assert "missing one of: no such phrase anywhere" in html
    assert "expected one of radiation" in html
    assert "Reading grade" in html and f"mean {s['metrics']['reading_grade_mean']}" in html
    assert "Mean reading grade by source" in html


def test_baseline_drop_beyond_tolerance_exits_1(cli_eval, tmp_path: Path, capsys) -> None:
    run, _ = cli_eval
    first = tmp_path / "first"
    assert run("--report", str(first)) == 0
    assert "reading_grade_mean" in capsys.readouterr().out  # the console summary shows it
    baseline = json.loads((first / "report.json").read_text())
    # Pretend the baseline did better: a higher accuracy, and the failing case passed.
    suite = baseline["suites"][0]
    suite["metrics"]["answer_accuracy"] = (suite["metrics"]["answer_accuracy"] or 0) + 0.5
    next(c for c in suite["cases"] if c["id"] == "xss")["passed"] = True
    baseline["provenance"]["settings"]["top_k"] = 99
    (first / "report.json").write_text(json.dumps(baseline))
    capsys.readouterr()

    second = tmp_path / "second"
    code = run("--report", str(second), "--baseline", str(first / "report.json"))
    captured = capsys.readouterr()
    assert code == 1
    assert "answer_accuracy" in captured.out and "REGRESSED" in captured.out
    assert "pass→fail  tiny/xss" in captured.out
    assert "top_k 99 → 6" in captured.out
    assert "tolerance" in captured.err
    html = (second / "report.html").read_text(encoding="utf-8")
    assert "Compared with the baseline" in html and "pass→fail" in html
    # Within a wide tolerance the same comparison passes.
    assert run("--baseline", str(first / "report.json"), "--tolerance", "0.6") == 0


def test_resume_needs_report(cli_eval, capsys) -> None:
    run, _ = cli_eval
    assert run("--resume") == 2
    assert "--report" in capsys.readouterr().err


def test_resume_skips_finished_cases(suite_path: Path, pipeline: Pipeline, tmp_path: Path) -> None:
    suite = load_suite(suite_path)
    out = tmp_path / "out"
    asked: list[str] = []

    def ask(question: str):
        asked.append(question)
        return pipeline.ask(question)

    full = run_suites([suite], ask, pipeline.index, out, progress=False)
    lines = (out / CASES_JSONL).read_text(encoding="utf-8").splitlines()
    # An interrupted run: two cases finished, the third was cut off mid-line.
    (out / CASES_JSONL).write_text("\n".join(lines[:2]) + "\n" + lines[2][:20], encoding="utf-8")
    asked.clear()

    resumed = run_suites([suite], ask, pipeline.index, out, resume=True, progress=False)
    assert asked == [c.question for c in suite.cases[2:]]
    assert resumed[0].to_json() == full[0].to_json()
    done = read_cases(out / CASES_JSONL)
    assert sorted(cid for _, cid in done) == sorted(c.id for c in suite.cases)


def test_an_interrupted_run_keeps_finished_cases(
    suite_path: Path, pipeline: Pipeline, tmp_path: Path
) -> None:
    suite = load_suite(suite_path)
    calls = 0

    def ask(question: str):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return pipeline.ask(question)

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_suites([suite], ask, pipeline.index, out, progress=False)
    assert [cid for _, cid in read_cases(out / CASES_JSONL)] == ["folfiri", "ablation"]


def test_the_triage_confusion_table_outlines_the_right_cell_and_marks_misses():
    from qa.evaluation.report_triage import confusion_html, outcome

    def case(
        category: str, expect: str, status: str = "abstained", escalation: str | None = None,
        caution: str | None = None,
    ) -> dict[str, Any]:
        return {"expect_category": category, "expect_escalate": expect, "status": status,
                "escalation": escalation, "caution": caution}

    cases: list[dict[str, Any]] = [
        case("leg-clot", "urgent", "escalated", "emergency"),
        case("leg-clot", "urgent"),
        case("informational", "none", caution="leg-clot"),
        case("<b>x</b>", "crisis", "escalated", "crisis"),
        {"expect_category": "", "status": "answered"},
    ]
    assert outcome(cases[0]) == "emergency" and outcome(cases[2]) == "caution"
    out = confusion_html(cases)
    assert "Triage by category" in out and "&lt;b&gt;" in out and "<b>x" not in out
    assert '<span class="fail">1</span>' in out  # the urgent case not escalated
    assert confusion_html([{"status": "answered"}]) == ""
