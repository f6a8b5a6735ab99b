"""Derive the abstention threshold from data: answerable vs unanswerable suite cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from qa.answering.evidence import Evidence
from qa.answering.pipeline import Pipeline
from qa.evaluation.evaluate import score_case
from qa.evaluation.suites import load_suite
from qa.types import Status


@dataclass(frozen=True)
class Observation:
    case_id: str
    answerable: bool
    passes_if_answered: bool
    evidence: Evidence

    def support(self, coverage_weight: float) -> float:
        return self.evidence.support(coverage_weight)


@dataclass(frozen=True)
class Threshold:
    coverage_weight: float
    min_support: float
    correct: int
    total: int
    false_abstain_rate: float
    abstain_recall: float


def observe(pipeline: Pipeline, suite_paths: Sequence[Path]) -> list[Observation]:
    """Run every answerable or abstain case with abstention switched off; keep the evidence."""
    open_pipeline = dataclasses.replace(
        pipeline, settings=pipeline.settings.replace(abstain_min_support=-1.0)
    )
    out = []
    for path in suite_paths:
        for case in load_suite(path, pipeline.index.documents.keys()).cases:
            if case.escalate:
                continue
            answer = open_pipeline.ask(case.question)
            ev = Evidence.from_dict(answer.evidence)
            # A definition of the asked term is quoted whatever the support (qa.answering.evidence).
            if answer.status is not Status.ANSWERED or ev.defines_asked_term:
                continue
            passes = case.answerable and score_case(case, answer, pipeline.index).passed
            out.append(Observation(case.id, case.answerable, passes, ev))
    return out


# Coverage weights tried; a coarse grid on purpose, so that a small suite cannot be overfitted.
COVERAGE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def best_threshold(obs: Sequence[Observation], max_false_abstain: float) -> Threshold:
    """Over the coverage weights, the one whose best threshold gets most cases right."""
    options = [_best_cut(obs, w, max_false_abstain) for w in COVERAGE_WEIGHTS]
    return max(options, key=lambda t: (t.correct, -t.coverage_weight))


def _best_cut(obs: Sequence[Observation], weight: float, max_false_abstain: float) -> Threshold:
    """The threshold that gets most cases right (correct answers + correct abstentions) while
    abstaining on at most `max_false_abstain` of answerable cases; cuts sit midway between
    neighbouring observed values, the widest margin."""
    support = [o.support(weight) for o in obs]
    values = sorted(set(support))
    cuts = [values[0] - 0.01] + [(a + b) / 2 for a, b in pairwise(values)]
    n_answerable = max(1, sum(o.answerable for o in obs))
    n_unanswerable = max(1, sum(not o.answerable for o in obs))
    best: Threshold | None = None
    for t in cuts:
        abstains = [v < t for v in support]
        false_abstain = sum(a and o.answerable for a, o in zip(abstains, obs, strict=True))
        if false_abstain / n_answerable > max_false_abstain:
            continue
        caught = sum(a and not o.answerable for a, o in zip(abstains, obs, strict=True))
        answered_ok = sum(
            not a and o.passes_if_answered for a, o in zip(abstains, obs, strict=True)
        )
        candidate = Threshold(
            weight,
            round(t, 4),
            caught + answered_ok,
            len(obs),
            false_abstain / n_answerable,
            caught / n_unanswerable,
        )
        if best is None or candidate.correct > best.correct:
            best = candidate
    assert best is not None  # the lowest cut abstains on nothing, so it is always allowed
    return best


def calibrate(pipeline: Pipeline, suite_paths: Sequence[Path], max_false_abstain: float) -> str:
    obs = observe(pipeline, suite_paths)
    if not obs:
        return "no answerable or unanswerable cases to calibrate on"
    t = best_threshold(obs, max_false_abstain)
    w = t.coverage_weight
    lines = [f"{'case':44} {'answerable':>10} {'support':>8}"]
    for o in sorted(obs, key=lambda o: o.support(w)):
        mark = "  <- abstains" if o.support(w) < t.min_support else ""
        lines.append(f"{o.case_id[:44]:44} {o.answerable!s:>10} {o.support(w):8.3f}{mark}")
    lines += [
        "",
        f"best: QA_ABSTAIN_COVERAGE_WEIGHT={w} QA_ABSTAIN_MIN_SUPPORT={t.min_support}",
        f"  cases right: {t.correct}/{t.total}; false-abstain rate {t.false_abstain_rate:.3f}; "
        f"unanswerable caught {t.abstain_recall:.3f}",
    ]
    return "\n".join(lines)
