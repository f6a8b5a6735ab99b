"""The Evaluate tab's handler without a browser: only suites of the evals folder can run."""

from __future__ import annotations

from qa.serving.live import LivePipeline
from ui.evaluate_tab import EvaluateHandlers

SUITE = """suite: mini
questions:
  - id: folfiri
    question: "What is FOLFIRI used for?"
    expect:
      all_of: [[FOLFIRI]]
"""


def test_runs_a_listed_suite_and_refuses_anything_else(built, fake_embedder, tmp_path):
    evals = tmp_path / "evals"
    evals.mkdir()
    (evals / "mini.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(SUITE, encoding="utf-8")
    settings = built.replace(evals_dir=evals, abstain_min_support=-1.0)
    handlers = EvaluateHandlers(LivePipeline(settings, fake_embedder))
    assert handlers.suites() == ["mini.yaml"]

    def no_progress(*_args: object, **_kwargs: object) -> None:
        return None

    for name in ("../secret.yaml", str(tmp_path / "secret.yaml"), "", None):
        path, message = handlers.run(name, no_progress)
        assert path is None and "Choose a suite" in message
    path, message = handlers.run("mini.yaml", no_progress)
    assert path is not None and path.endswith("report.html")
    assert "mini: 1 cases, 0 failed" in message
