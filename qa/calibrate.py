"""Derive the abstention thresholds from data: answerable vs unanswerable suite cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.evaluate import load_suite, score_case
from qa.pipeline import Pipeline
from qa.types import Status


@dataclass(frozen=True)
class Observation:
    case_id: str
    answerable: bool
    passes_if_answered: bool
    dense: float
    coverage: float


@dataclass(frozen=True)
class Thresholds:
    min_dense: float
    min_coverage: float
    correct: int
    total: int
    false_abstain_rate: float
    abstain_recall: float


def observe(pipeline: Pipeline, suite_paths: Sequence[Path]) -> list[Observation]:
    """Run every answerable or abstain case with abstention switched off; keep the evidence."""
    open_settings = pipeline.settings.replace(abstain_min_dense=-1.0, abstain_min_coverage=0.0)
    open_pipeline = dataclasses.replace(pipeline, settings=open_settings)
    out = []
    for path in suite_paths:
        suite = load_suite(path, pipeline.index.documents.keys())
        for case in suite.cases:
            if case.escalate:
                continue
            answer = open_pipeline.ask(case.question)
            if answer.status is Status.REJECTED or not answer.evidence:
                continue
            passes = case.answerable and score_case(case, answer, pipeline.index).passed
            out.append(
                Observation(
                    case.id, case.answerable, passes,
                    answer.evidence["best_sentence_dense"], answer.evidence["coverage"],
                )
            )
    return out


def best_thresholds(obs: Sequence[Observation], max_false_abstain: float) -> Thresholds:
    """Grid search: most cases right (correct answers + correct abstentions), subject to the
    false-abstain ceiling; among ties, the point farthest from the nearest case (margin)."""
    dense = np.array([o.dense for o in obs])
    cover = np.array([o.coverage for o in obs])
    answerable = np.array([o.answerable for o in obs])
    passes = np.array([o.passes_if_answered for o in obs])
    n_answerable = max(1, int(answerable.sum()))
    n_unanswerable = max(1, int((~answerable).sum()))
    best: tuple[tuple[int, float], Thresholds] | None = None
    for td in np.round(np.arange(0.0, 0.8, 0.01), 2):
        for tc in np.round(np.arange(0.0, 1.0, 0.05), 2):
            abstains = (dense < td) | (cover < tc)
            false_abstain = float((abstains & answerable).sum()) / n_answerable
            if false_abstain > max_false_abstain:
                continue
            correct = int((~abstains & passes).sum() + (abstains & ~answerable).sum())
            margin = float(np.min(np.abs(dense - td))) if len(dense) else 0.0
            key = (correct, margin)
            if best is None or key > best[0]:
                recall = float((abstains & ~answerable).sum()) / n_unanswerable
                best = (key, Thresholds(float(td), float(tc), correct, len(obs), false_abstain, recall))
    if best is None:
        return Thresholds(-1.0, 0.0, int(passes.sum()), len(obs), 0.0, 0.0)
    return best[1]


def calibrate(pipeline: Pipeline, suite_paths: Sequence[Path], max_false_abstain: float) -> str:
    obs = observe(pipeline, suite_paths)
    t = best_thresholds(obs, max_false_abstain)
    lines = [f"{'case':42} {'answerable':>10} {'dense':>6} {'coverage':>8}"]
    for o in sorted(obs, key=lambda o: (o.answerable, o.dense)):
        lines.append(f"{o.case_id[:42]:42} {o.answerable!s:>10} {o.dense:6.3f} {o.coverage:8.3f}")
    lines += [
        "",
        f"best thresholds: QA_ABSTAIN_MIN_DENSE={t.min_dense} QA_ABSTAIN_MIN_COVERAGE={t.min_coverage}",
        f"  cases right: {t.correct}/{t.total}; false-abstain rate {t.false_abstain_rate:.3f}; "
        f"unanswerable caught {t.abstain_recall:.3f}",
    ]
    return "\n".join(lines)
