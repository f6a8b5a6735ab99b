"""Frozen dataclasses between stages: files -> Document -> Chunk; question -> Hit -> Answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Audience(StrEnum):
    PATIENTS = "patients"
    PROFESSIONALS = "healthcare professionals"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"


class Status(StrEnum):
    ANSWERED = "answered"
    ABSTAINED = "abstained"
    ESCALATED = "escalated"
    REJECTED = "rejected"


@dataclass(frozen=True)
class DocumentMeta:
    """What the catalog (or the file itself) says about a document."""

    id: str
    title: str
    publisher: str
    audience: Audience
    dates: str = ""
    extra_furniture: tuple[str, ...] = ()
    # The one subject of the collection's profile (qa/profile.py) the document is about, from
    # the catalog; "" for a document about none of them, or several.
    subject: str = ""


@dataclass(frozen=True)
class RawBlock:
    """A heading, paragraph or bullet item as read from a file, before offsets exist."""

    kind: BlockKind
    text: str
    level: int = 0


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or bullet item of a cleaned document, by offsets into its text."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0


@dataclass(frozen=True)
class Document:
    """A cleaned document; every citation offset points into `text`."""

    meta: DocumentMeta
    text: str
    path: str
    blocks: tuple[Block, ...]
    # Share of the source's text (non-space characters, 0..1) that cleaning removed as furniture;
    # None when not measured (documents made in memory, or read back from an index).
    removed_share: float | None = None

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` of a document's cleaned text."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences from one section of one document."""

    id: str
    doc_id: str
    section: str
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]

    def embed_text(self, title: str) -> str:
        """The text the embedder sees: title and section give a chunk its context."""
        heading = f"{title} — {self.section}" if self.section else title
        return f"{heading}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with how each retriever ranked it (ranks are 1-based, None = not found)."""

    chunk: Chunk
    row: int
    score: float
    dense_rank: int | None
    lexical_rank: int | None
    dense_score: float | None
    lexical_score: float | None
    # Rank of the sentence that brought this chunk in through BM25 over sentences, for a chunk
    # neither fused ranking put in the top_k (qa/answering/retrieve.py); None otherwise.
    sentence_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    source_id: str
    title: str
    publisher: str
    audience: str
    section: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citation: int
    score: float
    dense: float
    lexical: float
    # Offsets of `text` in the cited document's cleaned text (0, 0 in answers logged before
    # passages existed).
    start: int = 0
    end: int = 0
    # Whether the sentence carries the answer; the others are its passage's context (the
    # sentence introducing a list, the sentence a "These …" sentence refers to).
    marked: bool = True
    # Which of the answer's passages (0 or 1) the sentence belongs to.
    passage: int = 0
    # Whether the sentence is (in) a list item.
    item: bool = False


_READ_AS_ARROW = " -> "
_READ_AS_SEPARATOR = ", "


def read_as_text(slips: Mapping[str, str]) -> str:
    """Answer.read_as for the slips mended ({"cacer": "cancer"} -> "cacer -> cancer")."""
    return _READ_AS_SEPARATOR.join(f"{a}{_READ_AS_ARROW}{b}" for a, b in slips.items())


@dataclass(frozen=True)
class Answer:
    question: str
    status: Status
    text: str
    disclaimer: str
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    escalation: str | None = None  # "emergency" | "urgent" | "crisis" when escalated
    reason: str = ""
    evidence: dict[str, float] = field(default_factory=dict)
    # Typing slips mended before retrieval ("cacer -> cancer"), shown to staff and, as pairs
    # (`read_as_pairs`), to the patient; written by `read_as_text`.
    read_as: str = ""
    # Triage's caution: the catalogue entry a message touches without clearly describing it
    # happening now, and the line shown above the answer ("If this is happening now: …").
    caution: str | None = None
    notice: str = ""
    # The triage catalogue entry behind an escalation or a caution (staff review shows its
    # clinical note).
    triage_entry: str | None = None
    # The question's retrieval vector (what staff's report of unanswered questions clusters);
    # kept by the logbook, never shown and not part of the JSON contract.
    vector: tuple[float, ...] = field(default=(), compare=False, repr=False)

    def read_as_pairs(self) -> list[tuple[str, str]]:
        """`read_as` as (typed, read) pairs."""
        pairs = (p.split(_READ_AS_ARROW, 1) for p in self.read_as.split(_READ_AS_SEPARATOR))
        return [(typed, meant) for typed, meant in (p for p in pairs if len(p) == 2)]

    def passages_json(self) -> list[dict[str, object]]:
        """Each passage: its source, the offsets from its first sentence to its last, and the
        indices (into `sentences`) of its sentences and of those marked as the answer."""
        source = {c.n: c.source_id for c in self.citations}
        out: list[dict[str, object]] = []
        for number in sorted({s.passage for s in self.sentences}):
            members = [(i, s) for i, s in enumerate(self.sentences) if s.passage == number]
            out.append(
                {
                    "source_id": source.get(members[0][1].citation, ""),
                    "start": members[0][1].start,
                    "end": members[-1][1].end,
                    "sentences": [i for i, _ in members],
                    "marked": [i for i, s in members if s.marked],
                }
            )
        return out

    def to_json(self) -> dict[str, object]:
        """The `qa ask --json` contract (docs/commands.md)."""
        return {
            "question": self.question,
            "status": self.status.value,
            "answer": self.text,
            "sentences": [
                {
                    "text": s.text,
                    "citation": s.citation,
                    "start": s.start,
                    "end": s.end,
                    "marked": s.marked,
                    "item": s.item,
                }
                for s in self.sentences
            ],
            "passages": self.passages_json(),
            "citations": [
                {
                    "n": c.n,
                    "source_id": c.source_id,
                    "title": c.title,
                    "publisher": c.publisher,
                    "audience": c.audience,
                    "section": c.section,
                    "quote": c.quote,
                    "start": c.start,
                    "end": c.end,
                }
                for c in self.citations
            ],
            "retrieved": [
                {
                    "source_id": h.chunk.doc_id,
                    "chunk_id": h.chunk.id,
                    "section": h.chunk.section,
                    "score": round(h.score, 6),
                    "dense_rank": h.dense_rank,
                    "lexical_rank": h.lexical_rank,
                }
                for h in self.hits
            ],
            "escalation": self.escalation,
            "caution": self.caution,
            "notice": self.notice,
            "reason": self.reason,
            "evidence": {k: round(v, 4) for k, v in self.evidence.items()},
            "disclaimer": self.disclaimer,
        }
