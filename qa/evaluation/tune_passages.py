"""`qa tune-passages`: fit the passage ranker (qa/answering/ranker.py) from suites' answerable
questions.

Each answerable question with expected phrases gives one group: every candidate passage core the
pipeline considered for it, with its features, and which of them hold an expected phrase (from
an expected source, when the case names sources). A linear score over the standardised features
is fitted so that, in a softmax over each group, the cores holding a phrase take most of it:

    loss = mean over groups of  logsumexp(s) - logsumexp(s[holding])  +  l2 * ||w||²

by full-batch gradient descent from zero (convex; deterministic). Groups with no core holding a
phrase, or only such cores, teach nothing and are left out. Cross-validation leaves out one
suite at a time (each suite is one author's), so no author's questions are scored by a model
that learned from them; it reports how often the first-ranked core holds a phrase, for the
learned score and for the hand-set one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answering.assemble import Passage
from qa.answering.pipeline import Pipeline
from qa.answering.ranker import FEATURES, HandRanker, LearnedRanker, Ranker
from qa.evaluation.suites import load_suite

STEPS = 3000
LEARNING_RATE = 0.1
L2 = 0.01


@dataclass(frozen=True)
class Group:
    suite: str
    features: np.ndarray  # (n, len(FEATURES))
    holds: np.ndarray  # (n,) bool: the core holds an expected phrase


def collect(
    pipeline: Pipeline,
    suite_paths: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
) -> list[Group]:
    """One group per answerable question with expected phrases whose candidates include both a
    core holding a phrase and one without."""
    cases = [
        (suite.name, case)
        for path in suite_paths
        for suite in [load_suite(path, pipeline.index.documents.keys())]
        for case in suite.cases
        if case.answerable and case.all_of
    ]
    seen: list[tuple[np.ndarray, list[Passage]]] = []
    recording = dataclasses.replace(
        pipeline, observe=lambda features, cores: seen.append((features, cores))
    )
    out = []
    for done, (suite, case) in enumerate(cases, 1):
        seen.clear()
        recording.ask(case.question, case.turns)
        if seen:
            features, cores = seen[-1]
            holds = np.array([_holds(pipeline, core, case.all_of, case.sources) for core in cores])
            if holds.any() and not holds.all():
                out.append(Group(suite, features, holds))
        if progress:
            progress(done, len(cases))
    return out


def _holds(
    pipeline: Pipeline, core: Passage, groups: Sequence[Sequence[str]], sources: Sequence[str]
) -> bool:
    if sources and core.doc_id not in sources:
        return False
    text = " ".join(pipeline.index.sentence_text(r) for r in core.rows).lower()
    return any(phrase.lower() in text for group in groups for phrase in group)


def save_groups(groups: Sequence[Group], path: Path) -> None:
    np.savez_compressed(
        path,
        suite=np.array([g.suite for g in groups for _ in g.holds]),
        group=np.array([i for i, g in enumerate(groups) for _ in g.holds]),
        features=np.concatenate([g.features for g in groups]) if groups else np.zeros((0, 0)),
        holds=np.concatenate([g.holds for g in groups]) if groups else np.zeros(0, bool),
    )


def load_groups(path: Path) -> list[Group]:
    with np.load(path, allow_pickle=False) as data:
        group, suite = data["group"], data["suite"]
        features, holds = data["features"], data["holds"]
    return [
        Group(str(suite[rows[0]]), features[rows], holds[rows])
        for i in np.unique(group)
        for rows in [np.flatnonzero(group == i)]
    ]


def fit(groups: Sequence[Group], meta: Mapping[str, object] | None = None) -> LearnedRanker:
    """The learned ranker over `groups` (module docstring)."""
    stacked = np.concatenate([g.features for g in groups])
    mean = stacked.mean(axis=0)
    std = stacked.std(axis=0)
    std[std == 0] = 1.0
    z = [((g.features - mean) / std, g.holds) for g in groups]
    w = np.zeros(len(FEATURES))
    for _ in range(STEPS):
        grad = 2 * L2 * w
        for x, holds in z:
            s = x @ w
            p_all = _softmax(s)
            p_hold = _softmax(s[holds])
            grad += (p_all @ x - p_hold @ x[holds]) / len(z)
        w -= LEARNING_RATE * grad
    return LearnedRanker(mean, std, w, dict(meta or {}))


def loss(ranker: Ranker, groups: Sequence[Group]) -> float:
    total = 0.0
    for g in groups:
        s = ranker.scores(g.features)
        total += _logsumexp(s) - _logsumexp(s[g.holds])
    return total / max(len(groups), 1)


def first_holds(ranker: Ranker, groups: Sequence[Group]) -> int:
    """How many groups' first-ranked core holds an expected phrase."""
    return sum(int(g.holds[int(np.argmax(ranker.scores(g.features)))]) for g in groups)


def cross_validate(groups: Sequence[Group], lexical_weight: float) -> dict[str, dict[str, int]]:
    """Per suite left out: its groups, and how many the learned (fitted on the other suites)
    and the hand-set score rank a phrase-holding core first."""
    out = {}
    hand = HandRanker(lexical_weight)
    for suite in sorted({g.suite for g in groups}):
        held = [g for g in groups if g.suite == suite]
        rest = [g for g in groups if g.suite != suite]
        out[suite] = {
            "groups": len(held),
            "learned": first_holds(fit(rest), held),
            "hand": first_holds(hand, held),
        }
    return out


def _softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max())
    return np.asarray(e / e.sum())


def _logsumexp(s: np.ndarray) -> float:
    m = float(s.max())
    return m + float(np.log(np.exp(s - m).sum()))
