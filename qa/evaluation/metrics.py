"""Case records (the flat, JSON-round-trippable form of a scored case) and the metrics over them.

Metrics are computed from records rather than from live Answers so that a resumed run, whose
finished cases come back from `cases.jsonl`, reports exactly what an uninterrupted run would.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

# Metrics where a lower value is better; a rise counts as a regression.
LOWER_IS_BETTER = frozenset(
    {"false_abstain_rate", "near_miss_stopped_rate", "near_miss_caution_rate",
     "answerable_escalated_rate", "fragment_rate"}
)
# Metrics reported for information only; never a regression.
INFORMATIONAL = frozenset({"answer_words_p50", "reading_grade_mean", "reading_grade_p50"})
RETRIEVAL_KS = (1, 3, 5)


@dataclass(frozen=True)
class CitedSource:
    n: int
    source_id: str
    title: str
    section: str


@dataclass(frozen=True)
class CaseRecord:
    """Everything a report shows about one case, with no reference to live objects."""

    suite: str
    id: str
    question: str
    tags: tuple[str, ...]
    expect_abstain: bool
    expect_escalate: str | None
    expect_sources: tuple[str, ...]
    has_phrases: bool
    status: str
    passed: bool
    reasons: tuple[str, ...]
    answer: str
    answer_words: int
    citations: tuple[CitedSource, ...]
    citations_ok: bool
    disclaimer: bool
    retrieved: tuple[str, ...]  # doc id of each retrieved passage, in Answer.hits order
    support: float | None
    reason: str
    # Triage: the expected catalogue entry ("informational" for a near-miss), the escalation
    # level the bot gave and the caution line's entry (records from before triage lack them).
    expect_category: str = ""
    escalation: str | None = None
    caution: str | None = None
    # A conversation's earlier messages (qa/evaluation/suites.py); () for a single question.
    turns: tuple[str, ...] = ()
    # Sentences quoted, how many of them are fragments (quoted without the sentence they lean
    # on: qa/layout.py), and how many passages the answer has.
    quoted: int = 0
    fragments: int = 0
    passages: int = 0
    # Flesch-Kincaid grade of the quoted sentences (qa/evaluation/readability.py); None when
    # nothing was answered or the answer is too short to grade.
    reading_grade: float | None = None

    @property
    def answerable(self) -> bool:
        return not self.expect_abstain and self.expect_escalate is None

    @property
    def near_miss(self) -> bool:
        return self.expect_escalate == "none"

    @property
    def escalated(self) -> bool:
        return self.status == "escalated"

    @property
    def source_rank(self) -> int | None:
        """1-based rank of the first retrieved passage from an expected source."""
        return first_rank(self.retrieved, self.expect_sources)

    def to_json(self) -> dict[str, Any]:
        """The `qa eval --json` case object: id, status, passed, answer, reasons, and more."""
        out = asdict(self)
        for key in ("tags", "expect_sources", "reasons", "retrieved", "turns"):
            out[key] = list(out[key])
        out["citations"] = [asdict(c) for c in self.citations]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseRecord:
        names = {f.name for f in fields(cls)}
        optional = {
            "expect_category", "escalation", "caution", "turns", "quoted", "fragments", "passages",
            "reading_grade",
        }
        missing = names - set(data) - optional
        if missing:
            raise ValueError(f"case record lacks {', '.join(sorted(missing))}")
        values = {k: data[k] for k in names if k in data}
        for key in ("tags", "expect_sources", "reasons", "retrieved", "turns"):
            values[key] = tuple(str(v) for v in values.get(key, ()))
        values["citations"] = tuple(CitedSource(**c) for c in values["citations"])
        return cls(**values)


def first_rank(ranked: Sequence[str], relevant: Iterable[str]) -> int | None:
    """1-based position of the first item of `ranked` that is in `relevant`; None if absent."""
    wanted = set(relevant)
    return next((i for i, item in enumerate(ranked, 1) if item in wanted), None)


def hit_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of queries whose first relevant item is within the top k: |{q: rank_q <= k}| / |Q|."""
    if not ranks:
        return None
    return round(sum(1 for r in ranks if r is not None and r <= k) / len(ranks), 4)


def mean_reciprocal_rank(ranks: Sequence[int | None], k: int | None = None) -> float | None:
    """MRR = mean over queries of 1 / rank_q (0 when not found, or when rank_q > k if given)."""
    if not ranks:
        return None
    total = sum(1.0 / r for r in ranks if r is not None and (k is None or r <= k))
    return round(total / len(ranks), 4)


def _rate(items: Sequence[CaseRecord], pred: Callable[[CaseRecord], bool]) -> float | None:
    return round(sum(1 for r in items if pred(r)) / len(items), 4) if items else None


def suite_metrics(records: Sequence[CaseRecord]) -> dict[str, float | None]:
    """answer/abstain accuracy, false abstentions, escalation recall, integrity, disclaimer,
    median answer length: the metrics `qa eval` has always printed."""
    answerable = [r for r in records if r.answerable and (r.expect_sources or r.has_phrases)]
    abstain = [r for r in records if r.expect_abstain]
    escalate = [r for r in records if r.expect_escalate and not r.near_miss]
    near = [r for r in records if r.near_miss]
    plain = [r for r in records if r.answerable]
    answered = [r for r in records if r.status == "answered"]
    words = [r.answer_words for r in answered]
    grades = [r.reading_grade for r in answered if r.reading_grade is not None]
    return {
        "answer_accuracy": _rate(answerable, lambda r: r.passed),
        "abstain_accuracy": _rate(abstain, lambda r: r.passed),
        "false_abstain_rate": _rate(answerable, lambda r: r.status == "abstained"),
        "escalation_recall": _rate(escalate, lambda r: r.passed),
        **{
            f"{level}_recall": _rate(
                [r for r in escalate if r.expect_escalate == level], lambda r: r.passed
            )
            for level in ("emergency", "urgent", "crisis")
        },
        "near_miss_stopped_rate": _rate(near, lambda r: r.escalated),
        "near_miss_caution_rate": _rate(near, lambda r: r.caution is not None),
        "answerable_escalated_rate": _rate(plain, lambda r: r.escalated),
        "citation_integrity": _rate(answered, lambda r: r.citations_ok),
        "disclaimer_rate": _rate(list(records), lambda r: r.disclaimer),
        "answer_words_p50": float(statistics.median(words)) if words else None,
        "fragment_rate": (
            round(sum(r.fragments for r in answered) / quoted, 4)
            if (quoted := sum(r.quoted for r in answered))
            else None
        ),
        "one_passage_rate": _rate(answered, lambda r: r.passages == 1),
        "reading_grade_mean": round(statistics.fmean(grades), 2) if grades else None,
        "reading_grade_p50": float(statistics.median(grades)) if grades else None,
    }


def retrieval_metrics(records: Sequence[CaseRecord]) -> dict[str, float | None]:
    """hit@1/3/5 and MRR of an expected source among the retrieved passages, over the cases
    that name expected sources."""
    ranks = [r.source_rank for r in records if r.expect_sources]
    out: dict[str, float | None] = {f"hit_at_{k}": hit_at_k(ranks, k) for k in RETRIEVAL_KS}
    out["mrr"] = mean_reciprocal_rank(ranks)
    return out


def tag_breakdown(records: Sequence[CaseRecord]) -> dict[str, dict[str, float | int]]:
    """Per tag: cases, passed, accuracy (passed / cases); untagged cases under "(untagged)"."""
    out: dict[str, dict[str, float | int]] = {}
    for r in records:
        for tag in r.tags or ("(untagged)",):
            row = out.setdefault(tag, {"cases": 0, "passed": 0, "accuracy": 0.0})
            row["cases"] += 1
            row["passed"] += int(r.passed)
    for row in out.values():
        row["accuracy"] = round(row["passed"] / row["cases"], 4)
    return dict(sorted(out.items()))


def reading_by_source(records: Sequence[CaseRecord]) -> dict[str, dict[str, Any]]:
    """Per cited source id: its title, the answers citing it, how many of them were graded and
    their mean reading grade. An answer citing two sources counts, with its whole grade, for
    each."""
    grades: dict[str, list[float]] = {}
    out: dict[str, dict[str, Any]] = {}
    for r in records:
        if r.status != "answered":
            continue
        for c in {c.source_id: c for c in r.citations}.values():
            row = out.setdefault(c.source_id, {"title": c.title, "answers": 0})
            row["answers"] += 1
            if r.reading_grade is not None:
                grades.setdefault(c.source_id, []).append(r.reading_grade)
    for source, row in out.items():
        mine = grades.get(source, [])
        row["graded"] = len(mine)
        row["grade_mean"] = round(statistics.fmean(mine), 2) if mine else None
    return dict(sorted(out.items()))
