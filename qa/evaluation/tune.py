"""`qa tune-adapter`: learn the query adapter (qa/answering/adapter.py) from suites' answerable
questions.

Each answerable question gives one example: its vector, the vectors of every sentence of the
passages retrieved for it, and which of those sentences hold one of its expected phrases (from
an expected source). The adapter W is learned so that, read by the adapted question
normalise(W q), the answering sentences take more of a softmax over the example's sentences:

    loss = mean over examples of  logsumexp(S q' / t) - logsumexp(S[answers] q' / t)
           + pull * ||W - I||²

from W = I, by full-batch Adam for a fixed number of steps. The result is not near the identity
(qa/answering/adapter.py gives how far), which is why the ranking blends it with the question's own
cosine. The numbers are the defaults below: the first ones tried; the others tried on the
development suites, leave one suite out, did no better (docs/quality.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answering.adapter import QueryAdapter
from qa.answering.pipeline import Pipeline
from qa.evaluation.suites import Case, load_suite


@dataclass(frozen=True)
class Example:
    case_id: str
    question: np.ndarray  # (dim,) the question's vector
    sentences: np.ndarray  # (n, dim) the retrieved passages' sentence vectors
    answers: np.ndarray  # (n,) bool: the sentence holds an expected phrase


@dataclass(frozen=True)
class TuneSettings:
    steps: int = 30
    learning_rate: float = 1e-3
    temperature: float = 0.05
    pull: float = 0.01


def examples(
    pipeline: Pipeline,
    suite_paths: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
) -> list[Example]:
    """One example per answerable question with expected phrases whose passages hold both an
    answering sentence and another one (a question with neither teaches nothing)."""
    cases = [
        case
        for path in suite_paths
        for case in load_suite(path, pipeline.index.documents.keys()).cases
        if case.answerable and case.all_of
    ]
    out = []
    for done, case in enumerate(cases, 1):
        example = _example(pipeline, case)
        if example is not None:
            out.append(example)
        if progress is not None:
            progress(done, len(cases))
    return out


def _example(pipeline: Pipeline, case: Case) -> Example | None:
    index = pipeline.index
    vector, hits = pipeline.search(case.question)
    phrases = [p.lower() for group in case.all_of for p in group]
    rows: dict[int, bool] = {}
    for hit in hits:
        doc = index.documents[hit.chunk.doc_id]
        expected_source = not case.sources or doc.id in case.sources
        for span in hit.chunk.sentences:
            row = index.sentence_row.get((doc.id, span.start, span.end))
            if row is None or row in rows:
                continue
            text = doc.text[span.start : span.end].lower()
            rows[row] = expected_source and any(p in text for p in phrases)
    answers = np.array(list(rows.values()), dtype=bool)
    if answers.all() or not answers.any():
        return None
    return Example(case.id, vector, index.sentence_vectors[list(rows)], answers)


def train(
    data: Sequence[Example],
    model: str,
    trained_on: Sequence[str],
    tune: TuneSettings = TuneSettings(),
) -> QueryAdapter:
    """The adapter learned from `data` (see the module docstring for the loss)."""
    if not data:
        raise ValueError("no example to learn from: the suites hold no usable answerable question")
    dim = data[0].question.shape[0]
    eye = np.eye(dim)
    w = eye.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, tune.steps + 1):
        grad = 2 * tune.pull * (w - eye)
        for ex in data:
            grad += _gradient(w, ex, tune.temperature) / len(data)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        step_size = tune.learning_rate * (m / (1 - beta1**step))
        w = w - step_size / (np.sqrt(v / (1 - beta2**step)) + eps)
    return QueryAdapter(w.astype(np.float32), model, tuple(trained_on))


def loss(w: np.ndarray, data: Sequence[Example], tune: TuneSettings = TuneSettings()) -> float:
    """The training loss at `w`, without the pull term (for reports and tests)."""
    total = 0.0
    for ex in data:
        scores = _scores(w, ex, tune.temperature)[1]
        total += _logsumexp(scores) - _logsumexp(scores[ex.answers])
    return total / len(data)


def _scores(w: np.ndarray, ex: Example, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    mapped = w @ ex.question.astype(np.float64)
    return mapped, ex.sentences.astype(np.float64) @ (mapped / np.linalg.norm(mapped)) / temperature


def _gradient(w: np.ndarray, ex: Example, temperature: float) -> np.ndarray:
    mapped, scores = _scores(w, ex, temperature)
    norm = np.linalg.norm(mapped)
    unit = mapped / norm
    every = _softmax(scores)
    answering = np.zeros_like(every)
    answering[ex.answers] = _softmax(scores[ex.answers])
    d_unit = ex.sentences.astype(np.float64).T @ (every - answering) / temperature
    d_mapped = (d_unit - unit * (unit @ d_unit)) / norm
    return np.outer(d_mapped, ex.question)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    out: np.ndarray = e / e.sum()
    return out


def _logsumexp(x: np.ndarray) -> float:
    top = float(x.max())
    return top + float(np.log(np.exp(x - top).sum()))
