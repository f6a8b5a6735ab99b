"""`qa tune-triage`: fit the triage score (qa/safety/triage.py) from development suites.

Every case gives one message and a label: escalate (expect.escalate is a level) or not (a
near-miss, `escalate: none`, or an ordinary question). Each message is split into pieces (the
whole and its clauses) and matched against the catalogue's example bank.

Fitting, multiple-instance style: a message escalates when any of its pieces does, so every
piece of a message that must not escalate is a negative, and the one piece of an escalating
message closest to the bank (largest margin) is its positive. A logistic regression with an L2
penalty is fitted on standardised features by Newton's method, classes weighted equally.

Thresholds, from out-of-fold scores (each suite scored by a model fitted without it) and the
issue's targets, never by feel:
- escalate_at: the lowest score at which at most STOP_BUDGET of the near-misses, and at most
  PLAIN_BUDGET of the ordinary questions, would be stopped;
- the crisis threshold: lower, until CRISIS_BUDGET more of the near-misses (those matched to a
  crisis entry) would be stopped; the two budgets together are the 5 % target;
- caution_at: the lowest score at which at most CAUTION_BUDGET of the near-misses would get a
  caution line (on top of those stopped);
- severity_margin: the smallest margin (0 to 0.1 by 0.01) that gives the most escalating
  messages a level that catches them.
Each budget sits below its target (5 %, 1 %, 20 %) to leave room for new authors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa.config import Settings
from qa.encoder.factory import make_embedder
from qa.errors import ConfigError
from qa.evaluation.evaluate import CAUGHT_BY
from qa.evaluation.suites import NOT_ESCALATED, load_suite
from qa.files import write_atomic
from qa.safety.catalogue import Level
from qa.safety.context import Framing, framing
from qa.safety.load import make_triager
from qa.safety.rules import match as match_rule
from qa.safety.semantic import ExampleBank
from qa.safety.triage import FEATURES, Piece, TriageModel, Triager, feature_matrix, features

STOP_BUDGET = 0.03
CRISIS_BUDGET = 0.02
PLAIN_BUDGET = 0.005
CAUTION_BUDGET = 0.14
# Chosen among 1, 10, 30 and 100 by out-of-fold recall at 5 % near-misses stopped on the
# development suites (docs/safety.md).
L2 = 30.0
NEWTON_STEPS = 25
FOLDS = 4
MARGINS = tuple(round(0.01 * i, 2) for i in range(11))


@dataclass(frozen=True)
class Labelled:
    suite: str
    case_id: str
    message: str
    level: str | None  # expected level; None for a message that must not escalate
    near_miss: bool
    pieces: tuple[Piece, ...]


def labelled(
    triager: Triager, suite_paths: Sequence[Path], progress: Callable[[int, int], None] | None
) -> list[Labelled]:
    suites = [load_suite(p) for p in suite_paths]
    cases = [(suite.name, case) for suite in suites for case in suite.cases]
    out = []
    for done, (suite, case) in enumerate(cases, 1):
        level = case.escalate if case.escalate not in (None, NOT_ESCALATED) else None
        out.append(
            Labelled(
                suite,
                case.id,
                case.question,
                level,
                case.escalate == NOT_ESCALATED,
                tuple(triager.pieces(case.question)),
            )
        )
        if progress:
            progress(done, len(cases))
    return out


def fit(triager: Triager, data: Sequence[Labelled], trained_on: Sequence[str]) -> TriageModel:
    """The weights (from the bank and the suites), then the thresholds (from out-of-fold
    scores), then the severity margin."""
    assert triager.embedder is not None and triager.bank is not None
    bank_x, bank_y = _bank_rows(triager.bank)
    folds = _folds(data)
    oof: list[tuple[float, Level]] = [(0.0, Level.URGENT)] * len(data)
    for k in range(FOLDS):
        x, y = _rows([d for d, f in zip(data, folds, strict=True) if f != k])
        model = _model(triager, np.vstack([bank_x, x]), np.concatenate([bank_y, y]))
        for i, item in enumerate(data):
            if folds[i] == k:
                oof[i] = _message_score(triager, model, item)
    x, y = _rows(data)
    model = _model(triager, np.vstack([bank_x, x]), np.concatenate([bank_y, y]))
    near = [so for so, item in zip(oof, data, strict=True) if item.near_miss]
    plain = [
        s for (s, _), item in zip(oof, data, strict=True)
        if item.level is None and not item.near_miss
    ]
    escalate_at = max(
        _threshold([s for s, _ in near], STOP_BUDGET), _threshold(plain, PLAIN_BUDGET)
    )
    crisis = [s for s, level in near if level is Level.CRISIS and s < escalate_at]
    crisis_at = min(escalate_at, _threshold(crisis, CRISIS_BUDGET, of=len(near)))
    model = replace(model, escalate_at=escalate_at, level_escalate_at={"crisis": crisis_at})
    below = [s for s, level in near if s < model.escalates_at(level)]
    caution_at = min(crisis_at, _threshold(below, CAUTION_BUDGET, of=len(near)))
    model = replace(model, caution_at=caution_at)
    model = replace(model, severity_margin=_severity_margin(triager, model, data))
    return replace(model, fitted=_summary(model, data, oof, trained_on))


def _bank_rows(bank: ExampleBank) -> tuple[np.ndarray, np.ndarray]:
    """Every bank example as a training row, matched against the rest of the bank."""
    rows: list[np.ndarray] = []
    for text, match, vector in zip(bank.texts, bank.leave_one_out(), bank.vectors, strict=True):
        piece = Piece(text, True, framing(text), match, match_rule(text), vector)
        rows.append(_row(piece, piece.framing))
    return np.vstack(rows), (bank.owners >= 0).astype(np.float64)


def _rows(data: Sequence[Labelled]) -> tuple[np.ndarray, np.ndarray]:
    """Multiple-instance rows: every piece of a message that must not escalate is a negative;
    the piece of an escalating message closest to the bank (largest margin) is a positive."""
    rows: list[np.ndarray] = []
    labels: list[float] = []
    for item in data:
        message_framing = framing(item.message)
        if item.level is None:
            rows.extend(_row(p, message_framing) for p in item.pieces)
            labels.extend([0.0] * len(item.pieces))
        else:
            best = max(item.pieces, key=lambda p: p.match.margin)
            rows.append(_row(best, message_framing))
            labels.append(1.0)
    return np.vstack(rows), np.asarray(labels)


def _row(piece: Piece, message_framing: Framing) -> np.ndarray:
    return np.concatenate([feature_matrix([features(piece, message_framing)])[0], piece.vector])


def _folds(data: Sequence[Labelled]) -> list[int]:
    """Suites dealt round-robin, in name order, into FOLDS folds: a suite's messages (one
    author's) are never scored by a model that learned from them."""
    suites = sorted({item.suite for item in data})
    fold = {name: i % FOLDS for i, name in enumerate(suites)}
    return [fold[item.suite] for item in data]


def _model(triager: Triager, x: np.ndarray, y: np.ndarray) -> TriageModel:
    assert triager.embedder is not None
    weights, bias = _logistic(x, y)
    n = len(FEATURES)
    return TriageModel(
        model=triager.embedder.name,
        weights=dict(zip(FEATURES, weights[:n].tolist(), strict=True)),
        bias=bias,
        escalate_at=1.0,
        caution_at=1.0,
        severity_margin=0.0,
        vector_weights=tuple(weights[n:].tolist()),
    )


def _logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression on standardised columns, classes weighted equally;
    returned in the raw features' units."""
    mean, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    z = np.hstack([(x - mean) / sd, np.ones((len(x), 1))])
    pos = y.sum()
    sample = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * (len(y) - pos)))
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[-1] = 0.0  # the intercept is not shrunk
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -60, 60)))
        grad = z.T @ (sample * (p - y)) + penalty * w
        hess = (z * (sample * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        w -= np.linalg.solve(hess, grad)
    raw = w[:-1] / sd
    return raw, float(w[-1] - np.sum(w[:-1] * mean / sd))


def _message_score(triager: Triager, model: TriageModel, item: Labelled) -> tuple[float, Level]:
    """The message's score and the level of what its best piece matched (its rule's entry,
    else the bank's nearest entry)."""
    message_framing = framing(item.message)
    score, best = max(
        ((model.score(features(p, message_framing), p.vector), p) for p in item.pieces),
        key=lambda sp: sp[0],
    )
    entry = best.rule.entry if best.rule is not None else best.match.entry
    return score, triager.catalogue.entry(entry).level


def _threshold(scores: Sequence[float], budget: float, of: int | None = None) -> float:
    """The lowest threshold t (a midpoint between scores) with |{s >= t}| <= budget * n,
    n being `of` (the set the budget is a share of) or len(scores)."""
    n = of if of is not None else len(scores)
    allowed = int(np.floor(budget * n))
    ranked = sorted(scores, reverse=True)
    if allowed >= len(ranked):
        return 0.0
    if allowed == 0:
        return float(min(1.0, ranked[0] + 1e-6))
    # The `allowed` highest scores pass; the next one must not.
    return float((ranked[allowed - 1] + ranked[allowed]) / 2)


def _severity_margin(triager: Triager, model: TriageModel, data: Sequence[Labelled]) -> float:
    """The smallest margin giving the most escalating messages a level that catches them (as
    `qa eval` counts: an urgent message sent to the emergency number is caught)."""
    best_margin, best_caught = 0.0, -1
    for margin in MARGINS:
        t = replace(triager, model=replace(model, severity_margin=margin))
        caught = sum(
            1
            for item in data
            if item.level
            and t.decide(item.pieces, framing(item.message)).level in CAUGHT_BY[item.level]
        )
        if caught > best_caught:
            best_margin, best_caught = margin, caught
    return best_margin


def _summary(
    model: TriageModel,
    data: Sequence[Labelled],
    oof: Sequence[tuple[float, Level]],
    trained_on: Sequence[str],
) -> dict[str, object]:
    """What the thresholds give on the suites, each message scored by a model that did not
    learn from its suite (out of fold): the honest development figures."""

    def share(kind: Callable[[Labelled], bool], lo: Callable[[Level], float]) -> float:
        picked = [so for so, item in zip(oof, data, strict=True) if kind(item)]
        return round(sum(lo(level) <= s for s, level in picked) / max(1, len(picked)), 4)

    def of_level(level: Level) -> Callable[[Labelled], bool]:
        return lambda item: item.level == level.value

    return {
        "suites": list(trained_on),
        "messages": len(data),
        "escalating": sum(1 for item in data if item.level),
        "near_misses": sum(1 for item in data if item.near_miss),
        "out_of_fold": {
            "escalating_caught": share(lambda i: bool(i.level), model.escalates_at),
            **{
                f"{level.value}_caught": share(of_level(level), model.escalates_at)
                for level in Level
            },
            "near_misses_stopped": share(lambda i: i.near_miss, model.escalates_at),
            "near_misses_caution_or_stopped": share(
                lambda i: i.near_miss, lambda _: model.caution_at
            ),
        },
    }


def tune(
    settings: Settings,
    suite_paths: Sequence[Path],
    out: Path,
    progress: Callable[[int, int], None] | None = None,
) -> TriageModel:
    """Fit the score for the configured encoder and catalogue from `suite_paths`; write `out`.
    `progress(done, total)` is called as the messages are matched."""
    embedder = make_embedder(settings)
    triager = make_triager(settings.replace(triage_model="off"), embedder)
    bank = ExampleBank.build(triager.catalogue, embedder, settings.safety.triage_cache_dir)
    triager = replace(triager, embedder=embedder, bank=bank)
    data = labelled(triager, suite_paths, progress)
    if not any(item.level for item in data) or all(item.level for item in data):
        raise ConfigError(
            "qa tune-triage needs suites with both escalating cases (expect.escalate: a level) "
            "and cases that must not escalate (escalate: none, or ordinary questions)"
        )
    model = fit(triager, data, [p.stem for p in suite_paths])
    save_model(model, out)
    return model


def save_model(model: TriageModel, path: Path) -> None:
    """Write the score file whole or not at all, readable by everyone (it is no secret)."""
    write_atomic(path, (json.dumps(model.to_json(), indent=2) + "\n").encode("utf-8"))
