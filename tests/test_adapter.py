"""The query adapter: its file, its training and how the pipeline uses it (fake embedder)."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import numpy as np
import pytest

from qa.answering.adapter import (
    BUNDLED_ADAPTER,
    QueryAdapter,
    load_adapter,
    resolve,
    save_adapter,
)
from qa.answering.pipeline import Pipeline
from qa.config import BUNDLED_MODEL, Settings
from qa.errors import ConfigError
from qa.evaluation.tune import Example, TuneSettings, _gradient, loss, train
from qa.serving.loading import load_pipeline
from tests.fakes import FakeEmbedder
from ui.cli.command import main


def _adapter(dim: int = 4, model: str = "m") -> QueryAdapter:
    rng = np.random.default_rng(0)
    return QueryAdapter(
        (np.eye(dim) + rng.normal(0, 0.1, (dim, dim))).astype(np.float32), model, ("s",)
    )


def test_an_adapter_file_round_trips_and_is_readable_by_others(tmp_path):
    path = tmp_path / "sub" / "a.npz"
    save_adapter(_adapter(), path)
    back = load_adapter(path, "m", 4)
    assert np.array_equal(back.matrix, _adapter().matrix)
    assert back.trained_on == ("s",)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["a.npz"]  # no temporary file left


def test_apply_returns_a_unit_vector():
    out = _adapter().apply(np.array([1.0, 2.0, 0.0, -1.0], dtype=np.float32))
    assert np.linalg.norm(out) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("write", "model", "dim", "message"),
    [
        (None, "m", 4, "does not exist"),
        (lambda p: p.write_bytes(b"not numpy"), "m", 4, "not readable"),
        (lambda p: save_adapter(_adapter(), p), "m", 8, "dimensions"),
        (lambda p: save_adapter(_adapter(), p), "other", 4, "learned for model 'm'"),
        (
            lambda p: save_adapter(
                dataclasses.replace(_adapter(), matrix=np.full((4, 4), np.nan)), p
            ),
            "m",
            4,
            "dimensions",
        ),
    ],
)
def test_a_bad_adapter_file_is_refused_with_the_fix(tmp_path, write, model, dim, message):
    path = tmp_path / "a.npz"
    if write is not None:
        write(path)
    with pytest.raises(ConfigError) as err:
        load_adapter(path, model, dim)
    assert message in str(err.value) and "QA_QUERY_ADAPTER=off" in str(err.value)


def test_resolve():
    assert resolve("off", BUNDLED_MODEL) is None
    assert resolve("bundled", BUNDLED_MODEL) == BUNDLED_ADAPTER
    # The bundled adapter maps the bundled model's vectors only.
    assert resolve("bundled", "/models/other") is None
    assert resolve("/x/a.npz", "/models/other") == Path("/x/a.npz")


def test_the_bundled_adapter_fits_the_bundled_model():
    adapter = load_adapter(BUNDLED_ADAPTER, BUNDLED_MODEL, 384)
    assert "golden" in adapter.trained_on
    # The untouched suites (docs/quality.md) never teach it.
    assert not {"holdout7", "holdout8", "holdout20"} & set(adapter.trained_on)


def _unit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x / np.linalg.norm(x, axis=-1, keepdims=True)
    return out


def _synthetic(n: int, seed: int) -> list[Example]:
    """Questions whose answering sentence lies along a fixed turn of the question's vector,
    among sentences closer to the question itself."""
    rng = np.random.default_rng(seed)
    dim = 8
    turn = np.roll(np.eye(dim), 1, axis=0)
    out = []
    for i in range(n):
        q = _unit(rng.normal(size=dim))
        distractors = _unit(q + rng.normal(0, 0.6, (5, dim)))
        answer = _unit(turn @ q + rng.normal(0, 0.1, dim))
        sentences = np.vstack([answer, distractors])
        out.append(Example(f"q{i}", q, sentences, np.array([True] + [False] * 5)))
    return out


def test_training_ranks_the_answering_sentences_first_on_questions_it_never_saw():
    learned = train(_synthetic(200, 0), "m", ["s"], TuneSettings(steps=200, learning_rate=0.01))
    held_out = _synthetic(50, 1)

    def top1(w: np.ndarray) -> float:
        return float(np.mean([np.argmax(e.sentences @ (w @ e.question)) == 0 for e in held_out]))

    assert top1(np.eye(8)) < 0.5 < 0.9 < top1(learned.matrix)
    assert loss(learned.matrix, held_out) < loss(np.eye(8), held_out)


def test_the_gradient_is_the_loss_derivative():
    data = _synthetic(3, 2)
    w = np.eye(8) + np.random.default_rng(3).normal(0, 0.1, (8, 8))
    grad = np.mean([_gradient(w, e, 0.05) for e in data], axis=0)
    for i, j in [(0, 0), (2, 5), (7, 1)]:
        step = np.zeros_like(w)
        step[i, j] = 1e-6
        numeric = (loss(w + step, data) - loss(w - step, data)) / 2e-6
        assert grad[i, j] == pytest.approx(numeric, rel=1e-4, abs=1e-8)


def test_training_needs_examples():
    with pytest.raises(ValueError, match="no example"):
        train([], "m", [])


def test_the_pipeline_ranks_sentences_by_the_adapted_question(built, fake_embedder, tmp_path):
    every = built.replace(abstain_min_support=-1.0, sentence_max_gap=10.0)
    plain = load_pipeline(every, fake_embedder)
    question = "Which chemotherapy is used most often for stage 4 rectal cancer?"
    target = "Chemotherapy uses drugs to destroy cancer cells."

    def scores(p: Pipeline) -> dict[str, float]:
        return {s.text: s.score for s in p.ask(question).sentences}

    assert plain.adapter is None  # the fake embedder is not the bundled model
    before = scores(plain)
    # An adapter mapping every question onto the target sentence's vector.
    vector = fake_embedder.encode([target])[0]
    path = tmp_path / "a.npz"
    save_adapter(QueryAdapter(np.outer(vector, vector), fake_embedder.name, ()), path)
    adapted = load_pipeline(
        every.replace(query_adapter=str(path), query_adapter_weight=1.0), fake_embedder
    )
    after = scores(adapted)
    gain = {text: after[text] - before[text] for text in before.keys() & after.keys()}
    assert gain[target] > 0.1
    assert max(gain, key=gain.__getitem__) == target
    # Only the ranking reads the adapted question: the evidence for abstaining does not.
    assert adapted.ask(question).evidence == plain.ask(question).evidence
    off = every.replace(query_adapter=str(path), query_adapter_weight=0.0)
    assert load_pipeline(off, fake_embedder).adapter is None


def test_a_pipeline_with_a_missing_adapter_file_does_not_load(built, fake_embedder, tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_pipeline(built.replace(query_adapter=str(tmp_path / "none.npz")), fake_embedder)


@pytest.fixture
def fake_cli_pipeline(built: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qa` commands load the pipeline over the fake-built index with the fake embedder."""
    from ui.cli import tune_cmds

    monkeypatch.setattr(
        tune_cmds,
        "ready_pipeline",
        lambda s, rebuild=False: load_pipeline(s.replace(**_paths(built)), FakeEmbedder()),
    )


def test_tune_adapter_learns_from_a_suite_and_writes_the_file(fake_cli_pipeline, tmp_path, capsys):
    suite = tmp_path / "dev.yaml"
    suite.write_text(
        "suite: dev\nquestions:\n"
        "  - id: ablation\n    question: what does radiofrequency ablation use?\n"
        "    expect: {all_of: [[heat]]}\n"
        "  - id: folfiri\n    question: which chemo is used most often?\n"
        "    expect: {all_of: [[FOLFIRI]]}\n"
        "  - id: none\n    question: can I bring my dog?\n    expect: {abstain: true}\n"
    )
    out = tmp_path / "learned.npz"
    assert main(["tune-adapter", str(suite), "--out", str(out), "--quiet"]) == 0
    assert "learned from 2 questions" in capsys.readouterr().out
    assert load_adapter(out, "fake-embedder", 64).trained_on == ("dev",)


def test_tune_adapter_without_usable_questions_says_what_to_give(
    fake_cli_pipeline, tmp_path, capsys
):
    suite = tmp_path / "dev.yaml"
    suite.write_text(
        "suite: dev\nquestions:\n  - id: none\n    question: can I bring my dog?\n    expect: {abstain: true}\n"
    )
    assert main(["tune-adapter", str(suite), "--out", str(tmp_path / "x.npz")]) == 2
    assert "all_of" in capsys.readouterr().err
    assert not (tmp_path / "x.npz").exists()


def _paths(settings: Settings) -> dict[str, Path]:
    return {"sources_dir": settings.ingest.sources_dir, "index_dir": settings.ingest.index_dir}
