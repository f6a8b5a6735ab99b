"""Golden suites: load and validate YAML, run each case, score it, aggregate the metrics."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qa.evaluation.metrics import (
    CaseRecord,
    CitedSource,
    reading_by_source,
    retrieval_metrics,
    suite_metrics,
    tag_breakdown,
)
from qa.evaluation.readability import flesch_kincaid_grade
from qa.evaluation.suites import NOT_ESCALATED, Case, Suite
from qa.index_data import IndexData
from qa.text import word_count
from qa.types import Answer, Status

# A message escalated more urgently than expected is caught: an urgent one sent to the
# emergency number still reaches help.
CAUGHT_BY = {"emergency": {"emergency"}, "urgent": {"urgent", "emergency"}, "crisis": {"crisis"}}


@dataclass(frozen=True)
class CaseResult:
    case: Case
    answer: Answer
    passed: bool
    reasons: tuple[str, ...]
    citations_ok: bool
    fragments: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "status": self.answer.status.value,
            "passed": self.passed,
            "answer": self.answer.text,
            "reasons": list(self.reasons),
        }

    def record(self, suite: str = "") -> CaseRecord:
        """The flat form a report (and `cases.jsonl`) keeps of this case."""
        a, c = self.answer, self.case
        support = a.evidence.get("support")
        quotes = [s.text for s in a.sentences]
        return CaseRecord(
            suite=suite,
            id=c.id,
            question=c.question,
            turns=c.turns,
            tags=c.tags,
            expect_abstain=c.abstain,
            expect_escalate=c.escalate,
            expect_category=c.category,
            escalation=a.escalation,
            caution=a.caution,
            expect_sources=c.sources,
            has_phrases=bool(c.all_of),
            status=a.status.value,
            passed=self.passed,
            reasons=self.reasons,
            answer=a.text,
            answer_words=word_count(" ".join(quotes)),
            citations=tuple(CitedSource(x.n, x.source_id, x.title, x.section) for x in a.citations),
            citations_ok=self.citations_ok,
            disclaimer=bool(a.disclaimer),
            retrieved=tuple(h.chunk.doc_id for h in a.hits),
            support=None if support is None else round(float(support), 4),
            reason=a.reason,
            quoted=len(a.sentences),
            fragments=self.fragments,
            passages=len({s.passage for s in a.sentences}),
            reading_grade=flesch_kincaid_grade(quotes) if a.status is Status.ANSWERED else None,
        )


@dataclass(frozen=True)
class Report:
    suite: str
    metrics: dict[str, float | None]
    results: tuple[CaseResult, ...] = field(default=())
    # Every case of the suite in order, including cases resumed from an earlier run (which
    # have no CaseResult); empty means "derive from results".
    records: tuple[CaseRecord, ...] = field(default=())
    path: str = ""

    @property
    def cases(self) -> tuple[CaseRecord, ...]:
        return self.records or tuple(r.record(self.suite) for r in self.results)

    def to_json(self) -> dict[str, Any]:
        cases = self.cases
        return {
            "suite": self.suite,
            "path": self.path,
            "metrics": self.metrics,
            "retrieval": retrieval_metrics(cases),
            "tags": tag_breakdown(cases),
            "reading_by_source": reading_by_source(cases),
            "cases": [r.to_json() for r in cases],
        }


def citations_verbatim(answer: Answer, index: IndexData) -> bool:
    """Every citation's quote is exactly its document's cleaned text at its offsets, and every
    sentence is its text at its own offsets, inside its citation's span (a sentence without
    offsets must be its citation's whole quote)."""
    by_n = {c.n: c for c in answer.citations}
    for s in answer.sentences:
        c = by_n.get(s.citation)
        doc = index.documents.get(c.source_id) if c else None
        if c is None or doc is None or doc.text[c.start : c.end] != c.quote:
            return False
        if s.start == s.end == 0:
            if c.quote != s.text:
                return False
        elif doc.text[s.start : s.end] != s.text or not c.start <= s.start < s.end <= c.end:
            return False
    return bool(answer.sentences)


def fragments(answer: Answer, index: IndexData) -> int:
    """How many quoted sentences lean on a sentence the answer does not quote: a list item
    without the sentence introducing its list, a "These …" sentence without the one before it
    (qa/layout.py)."""
    source = {c.n: c.source_id for c in answer.citations}
    rows = [
        index.sentence_row.get((source.get(s.citation, ""), s.start, s.end))
        for s in answer.sentences
    ]
    quoted = {r for r in rows if r is not None}
    leans = index.layout.leans_on
    return sum(1 for r in rows if r is not None and leans[r] >= 0 and leans[r] not in quoted)


def score_case(case: Case, answer: Answer, index: IndexData) -> CaseResult:
    reasons: list[str] = []
    if not answer.disclaimer:
        reasons.append("no disclaimer")
    if case.escalate == NOT_ESCALATED:
        if answer.status is Status.ESCALATED:
            reasons.append(f"expected no escalation, got '{answer.escalation}'")
    elif case.escalate:
        if answer.status is not Status.ESCALATED or answer.escalation not in CAUGHT_BY[
            case.escalate
        ]:
            got = answer.escalation if answer.status is Status.ESCALATED else answer.status.value
            reasons.append(f"expected escalation '{case.escalate}', got {got}")
    elif case.abstain:
        if answer.status is not Status.ABSTAINED:
            reasons.append(f"expected an abstention, got {answer.status.value}")
    elif answer.status is not Status.ANSWERED:
        reasons.append(f"expected an answer, got {answer.status.value} ({answer.reason})")
    else:
        text = answer.text.lower()
        for group in case.all_of:
            if not any(p.lower() in text for p in group):
                reasons.append(f"missing one of: {' | '.join(group)}")
        cited = {c.source_id for c in answer.citations}
        if case.sources and not cited & set(case.sources):
            reasons.append(
                f"cited {', '.join(sorted(cited)) or 'nothing'}, expected one of "
                f"{', '.join(case.sources)}"
            )
    ok = answer.status is not Status.ANSWERED or citations_verbatim(answer, index)
    if not ok:
        reasons.append("a quoted sentence does not match its source at the cited offsets")
    return CaseResult(case, answer, not reasons, tuple(reasons), ok, fragments(answer, index))


def metrics(results: Sequence[CaseResult]) -> dict[str, float | None]:
    return suite_metrics([r.record() for r in results])


def run_suite(
    suite: Suite,
    ask: Callable[..., Answer],
    index: IndexData,
    on_case: Callable[[CaseResult], None] | None = None,
    done: Mapping[str, CaseRecord] | None = None,
) -> Report:
    """Ask and score every case; cases in `done` (by id, same question) are not asked again.
    `ask(question)`, or `ask(question, earlier_messages)` for a conversation's case."""
    results = []
    records = []
    for case in suite.cases:
        previous = (done or {}).get(case.id)
        if previous is not None and previous.question == case.question:
            records.append(previous)
            continue
        answer = ask(case.question, case.turns) if case.turns else ask(case.question)
        result = score_case(case, answer, index)
        results.append(result)
        records.append(result.record(suite.name))
        if on_case:
            on_case(result)
    return Report(
        suite=suite.name,
        metrics=suite_metrics(records),
        results=tuple(results),
        records=tuple(records),
        path=str(suite.path),
    )


def unmet_bounds(
    report: Report, minimums: dict[str, float], maximums: dict[str, float]
) -> list[str]:
    """Messages for every `--min-X` / `--max-X` bound the report does not meet."""
    failures = []
    for bounds, below in ((minimums, True), (maximums, False)):
        for name, bound in bounds.items():
            value = report.metrics.get(name)
            if value is None:
                failures.append(f"{name} was not measured (the suite has no cases of that kind)")
            elif below and value < bound:
                failures.append(f"{name} = {value} is below the required minimum {bound}")
            elif not below and value > bound:
                failures.append(f"{name} = {value} is above the allowed maximum {bound}")
    return failures
