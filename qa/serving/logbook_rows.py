"""The logbook's rows as Python values: entries, votes' and marks' types, and the JSON payload
an answer is stored as (qa.serving.logbook reads and writes the database)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from qa.serving.redaction import redact
from qa.types import Answer, AnswerSentence, Chunk, Citation, Hit, Span, Status


class SharedBy(StrEnum):
    """Who let a question's text be kept."""

    PATIENT = "patient"  # the patient ticked the consent box
    OPERATOR = "operator"  # QA_LOG_QUESTIONS keeps every question


class Verdict(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Mark:
    """A staff member's judgement of one answer, and optionally what it should have said."""

    verdict: Verdict
    comment: str = ""
    expected_source: str = ""
    expected_phrase: str = ""
    staff: str = ""  # the staff account that made it ("" without a login)


@dataclass(frozen=True)
class Entry:
    """One logged reply. `answer.question` is "" when the question was neither shared nor
    logged; `redacted` names the kinds of text removed from it ("phone", "email", …)."""

    id: int
    created: float
    answer: Answer
    question_logged: bool
    vote: int | None = None
    mark: Mark | None = None
    shared_by: SharedBy | None = None
    redacted: tuple[str, ...] = ()
    # The question's retrieval vector, when one was computed (not for escalations).
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)


def payload(answer: Answer, question_kept: bool) -> dict[str, Any]:
    """What an entry stores besides its columns (as JSON)."""
    return {
        # The mended words are the question's own; kept only where the question is.
        "read_as": redact(answer.read_as) if question_kept else "",
        "disclaimer": answer.disclaimer,
        "evidence": answer.evidence,
        "sentences": [dataclasses.asdict(s) for s in answer.sentences],
        "citations": [dataclasses.asdict(c) for c in answer.citations],
        "hits": [dataclasses.asdict(h) for h in answer.hits],
        # Triage's caution: the catalogue entry and its fixed line (no patient words).
        "caution": answer.caution,
        "notice": answer.notice,
        "triage_entry": answer.triage_entry,
    }


def _hit(raw: dict[str, Any]) -> Hit:
    chunk = dict(raw.pop("chunk"))
    chunk["sentences"] = tuple(Span(**s) for s in chunk["sentences"])
    return Hit(chunk=Chunk(**chunk), **raw)


def entry_from_row(row: tuple[Any, ...]) -> Entry:
    (
        entry_id,
        created,
        question,
        shared,
        redacted,
        vector,
        status,
        escalation,
        reason,
        text,
        payload,
        vote,
        verdict,
        comment,
        expected_source,
        expected_phrase,
        staff,
    ) = row
    data = json.loads(payload)
    answer = Answer(
        question=question or "",
        status=Status(status),
        text=text,
        disclaimer=data["disclaimer"],
        sentences=tuple(AnswerSentence(**s) for s in data["sentences"]),
        citations=tuple(Citation(**c) for c in data["citations"]),
        hits=tuple(_hit(h) for h in data["hits"]),
        escalation=escalation,
        reason=reason,
        evidence=data["evidence"],
        read_as=data.get("read_as", ""),
        caution=data.get("caution"),
        notice=data.get("notice", ""),
        triage_entry=data.get("triage_entry"),
    )
    mark = (
        Mark(Verdict(verdict), comment, expected_source, expected_phrase, staff)
        if verdict is not None
        else None
    )
    return Entry(
        entry_id,
        created,
        answer,
        question is not None,
        vote,
        mark,
        SharedBy(shared) if shared else None,
        tuple(k for k in (redacted or "").split(",") if k),
        np.frombuffer(vector, dtype=np.float16).astype(np.float32) if vector else None,
    )


def vector_blob(vector: tuple[float, ...]) -> bytes | None:
    """A question's vector as stored: float16 (768 bytes for 384 dimensions), which keeps
    cosine similarities to about three decimals, plenty for grouping questions into themes."""
    return np.asarray(vector, dtype=np.float16).tobytes() if vector else None
