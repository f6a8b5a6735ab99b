"""A refit is used only when it loses nothing on the gate suites (qa/evaluation/gate.py), and
`qa tune-passages --gate` refuses to write one that does."""

from __future__ import annotations

from pathlib import Path

from qa.evaluation.gate import Counts, GateRow, gate, gate_lines
from qa.evaluation.suites import Case, Suite
from qa.serving.loading import load_pipeline
from ui.cli.command import main

SUITE = Suite(
    "gate",
    Path("gate.yaml"),
    (
        Case("cryo", "What does cryotherapy use to kill cancer cells?", all_of=(("cold",),)),
        Case("rfa", "What does radiofrequency ablation use to kill cancer cells?",
             all_of=(("heat",),)),
        Case("weather", "What will the weather be in Paris tomorrow?", abstain=True),
    ),
)


def test_the_same_pipeline_loses_nothing_and_one_that_refuses_everything_loses(
    built, fake_embedder
):
    current = load_pipeline(built.replace(abstain_min_support=0.0), fake_embedder)
    asked = []
    [same] = gate(current, current, [SUITE], lambda: asked.append(1))
    assert len(asked) == 6  # every question, once per pipeline
    assert same.before == same.after and same.losses == []
    assert same.before.right == 2 and same.before.answerable == 2
    refusing = load_pipeline(built.replace(abstain_min_support=2.0), fake_embedder)
    [worse] = gate(current, refusing, [SUITE])
    assert worse.losses == ["answers 2 -> 0 of 2", "false abstentions 0 -> 2"]
    assert "LOSES" in gate_lines([worse])[1]


def test_fewer_refused_is_a_loss():
    row = GateRow("s", Counts(5, 6, 3, 4, 0), Counts(6, 6, 2, 4, 0))
    assert row.losses == ["refused 3 -> 2 of 4 unanswerable"]


def test_tune_passages_gate_needs_an_output_and_suites_it_did_not_learn_from(tmp_path, capsys):
    suite = tmp_path / "s.yaml"
    suite.write_text("suite: s\nquestions: []\n", encoding="utf-8")
    assert main(["tune-passages", str(suite), "--gate", str(suite)]) == 2
    assert "--gate needs --out" in capsys.readouterr().err
    out = str(tmp_path / "r.json")
    assert main(["tune-passages", str(suite), "--out", out, "--gate", str(suite)]) == 2
    assert "does not learn from" in capsys.readouterr().err
