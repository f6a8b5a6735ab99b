"""Reviewed log entries -> a golden suite (the `evals/golden.yaml` format), so that answers
staff marked become regression cases for `qa eval`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from qa.serving.logbook_rows import Entry, Verdict
from qa.types import Status


@dataclass(frozen=True)
class Export:
    yaml_text: str
    exported: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...]  # (entry id, why)


def expectation(entry: Entry) -> dict[str, Any] | str:
    """What the case expects, or why the entry cannot become a case.

    An expected source or phrase given by the reviewer always wins. Otherwise a "correct"
    mark keeps what the bot did (its cited sources, its abstention or its escalation), and a
    "wrong" or "unsafe" answer becomes "should have abstained": the safe default until a
    reviewer says what the right answer is.
    """
    mark, answer = entry.mark, entry.answer
    if mark is None:
        return "not marked"
    if not entry.question_logged or not answer.question.strip():
        return "question text was not kept (not shared by the patient, QA_LOG_QUESTIONS off)"
    expect: dict[str, Any] = {}
    if mark.expected_source:
        expect["sources"] = [mark.expected_source]
    if mark.expected_phrase:
        expect["all_of"] = [[mark.expected_phrase]]
    if expect:
        return expect
    if mark.verdict is Verdict.CORRECT:
        if answer.status is Status.ESCALATED and answer.escalation:
            return {"escalate": answer.escalation}
        if answer.status is Status.ABSTAINED:
            return {"abstain": True}
        if answer.status is Status.ANSWERED:
            return {"sources": sorted({c.source_id for c in answer.citations})}
        return f"a {answer.status.value} reply has nothing to expect"
    if answer.status is Status.ANSWERED:
        return {"abstain": True}
    return f"marked {mark.verdict.value} but no expected source or phrase was given"


def export_suite(entries: Sequence[Entry], name: str = "reviewed") -> Export:
    """The marked entries as suite YAML; reviewer comments go in as YAML comments."""
    cases: list[dict[str, Any]] = []
    comments: list[str] = []
    exported: list[int] = []
    skipped: list[tuple[int, str]] = []
    for entry in entries:
        expect = expectation(entry)
        if isinstance(expect, str):
            skipped.append((entry.id, expect))
            continue
        assert entry.mark is not None  # expectation() returned a case
        case_id = f"review-{entry.id}"
        cases.append(
            {
                "id": case_id,
                "question": entry.answer.question,
                "tags": ["reviewed", entry.mark.verdict.value],
                "expect": expect,
            }
        )
        exported.append(entry.id)
        if entry.mark.comment:
            comments.append(f"#   {case_id}: {entry.mark.comment}")
    header = [f"# Exported from the review log: {len(cases)} case(s)."]
    if comments:
        header += ["# Reviewer comments:", *comments]
    header += [f"# Skipped entry {i}: {why}" for i, why in skipped]
    body = yaml.safe_dump(
        {"suite": name, "questions": cases}, sort_keys=False, allow_unicode=True, width=100
    )
    return Export("\n".join(header) + "\n" + body, tuple(exported), tuple(skipped))
