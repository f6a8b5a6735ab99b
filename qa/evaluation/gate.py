"""A refit is used only if it loses nothing: the same suites asked of the pipeline as it is and
with the refitted part, compared suite by suite in cases, not in rounded rates.

A refit (a passage ranker from `qa tune-passages`, perhaps learned from staff-exported cases)
that answers fewer questions right, refuses fewer unanswerable ones or turns away more
answerable ones on any gate suite is refused, with the figures. Gate suites should be ones the
refit never learned from: untouched suites.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.answering.pipeline import Pipeline
from qa.evaluation.evaluate import CaseResult, run_suite
from qa.evaluation.suites import Suite
from qa.types import Status


@dataclass(frozen=True)
class Counts:
    right: int  # answerable questions answered with what was expected
    answerable: int
    refused: int  # unanswerable questions refused
    unanswerable: int
    turned_away: int  # answerable questions refused

    @classmethod
    def of(cls, results: Sequence[CaseResult]) -> Counts:
        answerable = [r for r in results if r.case.answerable]
        unanswerable = [r for r in results if r.case.abstain]
        return cls(
            sum(r.passed for r in answerable),
            len(answerable),
            sum(r.passed for r in unanswerable),
            len(unanswerable),
            sum(r.answer.status is Status.ABSTAINED for r in answerable),
        )


@dataclass(frozen=True)
class GateRow:
    suite: str
    before: Counts
    after: Counts

    @property
    def losses(self) -> list[str]:
        b, a = self.before, self.after
        out = []
        if a.right < b.right:
            out.append(f"answers {b.right} -> {a.right} of {a.answerable}")
        if a.refused < b.refused:
            out.append(f"refused {b.refused} -> {a.refused} of {a.unanswerable} unanswerable")
        if a.turned_away > b.turned_away:
            out.append(f"false abstentions {b.turned_away} -> {a.turned_away}")
        return out


def gate(
    current: Pipeline,
    candidate: Pipeline,
    suites: Sequence[Suite],
    asked: Callable[[], None] | None = None,
) -> list[GateRow]:
    """Each suite asked of both pipelines; `asked()` after each question."""

    def counts(pipeline: Pipeline, suite: Suite) -> Counts:
        on_case = (lambda _: asked()) if asked is not None else None
        return Counts.of(run_suite(suite, pipeline.ask, pipeline.index, on_case).results)

    return [GateRow(s.name, counts(current, s), counts(candidate, s)) for s in suites]


def gate_lines(rows: Sequence[GateRow]) -> list[str]:
    """A table of the figures, before -> after, and each suite's losses."""
    lines = [f"{'gate suite':24s} {'answers':>13s} {'refused':>11s} {'false abst.':>12s}"]
    for r in rows:
        b, a = r.before, r.after
        lines.append(
            f"{r.suite:24s} {b.right:4d} -> {a.right:4d} {b.refused:3d} -> {a.refused:3d} "
            f"{b.turned_away:4d} -> {a.turned_away:4d}" + ("  LOSES" if r.losses else "")
        )
    return lines
