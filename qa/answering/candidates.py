"""The sentences an answer can quote, scored against the question: every distinct sentence of the
retrieved passages (with the sentence before it when it leans on it), plus a list-introducing
sentence with its items; and how much of the question's terms a text covers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qa.answering.answer_type import (
    AnswerType,
    holds,
)
from qa.answering.drugs import drug_names
from qa.config import Settings
from qa.index_data import IndexData
from qa.layout import introduces
from qa.lexical import LexicalIndex, Terms
from qa.text import paragraph_gap_start, word_count
from qa.types import Hit, Span

# Fragments shorter than this ("Patient preferences") say nothing on their own.
MIN_SENTENCE_WORDS = 4


@dataclass(frozen=True)
class Candidate:
    doc_id: str
    start: int
    end: int
    text: str
    section: str
    vector: np.ndarray
    dense: float
    lexical: float  # coverage of the question's terms by the quoted text
    own_lexical: float  # … by the sentence alone
    score: float
    # Ends in a sentence that only introduces what follows (ends with ":", or "the following …")
    # without quoting it; never picked.
    dangling: bool
    words: int  # word_count(text), counted once
    row: int  # the candidate's own sentence (IndexData.sentences row)
    chunk: float = 0.0  # cosine of its retrieved passage to the question
    hit_rank: int = 1  # that passage's rank in retrieval


@dataclass(frozen=True)
class TermCoverage:
    """IDF-weighted share of the question's distinct terms found in a text:
    sum idf(t in both) / sum idf(t in question); 0 when the question has no terms.

    The question's side is computed once per question, not once per candidate sentence.
    """

    idf: dict[str, float]
    total: float
    # A text's terms with the terms its abbreviations stand for (Abbreviations.close).
    closure: Callable[[Iterable[str]], set[str]] = set

    @classmethod
    def of(
        cls,
        query_terms: Sequence[str],
        lexical: LexicalIndex,
        ignore: frozenset[str] = frozenset(),
        closure: Callable[[Iterable[str]], set[str]] = set,
    ) -> TermCoverage:
        """`ignore`: terms that do not count, unless the question has no others."""
        content = set(query_terms) - ignore or set(query_terms)
        idf = {t: lexical.idf(t) for t in content}
        return cls(idf, sum(idf.values()), closure)

    def __call__(self, text_terms: Iterable[str]) -> float:
        if self.total == 0:
            return 0.0
        present = self.closure(text_terms)
        return sum(w for t, w in self.idf.items() if t in present) / self.total


def candidates(
    index: IndexData,
    hits: Sequence[Hit],
    query_vector: np.ndarray,
    passage_sims: Mapping[int, float],
    coverage: TermCoverage,
    terms: Terms,
    settings: Settings,
    asked: frozenset[AnswerType] = frozenset(),
    ranking_vector: np.ndarray | None = None,
) -> list[Candidate]:
    """Every distinct sentence of the retrieved chunks, scored against the question (with the
    sentence before it when it opens with a pronoun like "It" or "These"), plus one
    "list" candidate per list-introducing sentence: the sentence with the items that follow it,
    as many as fit the word budget."""
    rows = index.sentence_row
    leans = index.layout.leans_on
    list_items = index.list_items
    drugs = drug_names(index.profile.brands, index.profile.drug_names)
    seen: set[tuple[str, int, int]] = set()
    picked: list[tuple[Hit, int, int, int]] = []
    hit_rank = {id(hit): i for i, hit in enumerate(hits, 1)}
    for hit in hits:
        previous = None
        for span in hit.chunk.sentences:
            key = (hit.chunk.doc_id, span.start, span.end)
            row = rows.get(key)
            if row is not None and key not in seen:
                seen.add(key)
                # "It may be used …" is scored with the sentence it leans on (qa/layout.py).
                glued = previous is not None and leans[row] == rows.get(
                    (hit.chunk.doc_id, previous.start, previous.end)
                )
                start = previous.start if previous is not None and glued else span.start
                picked.append((hit, start, span.end, row))
            previous = span
    units = [
        (hit, start, _list_end(index, hit.chunk.doc_id, start, items, settings), row)
        for hit, start, _, row in picked
        if (items := list_items.get(index.sentences[row].identity))
    ]
    spans = picked + units
    texts = [index.documents[h.chunk.doc_id].text[s:e] for h, s, e, _ in spans]
    span_terms = terms.many(texts) if texts else []
    # The evidence for abstaining is the sentence's own, so that it does not grow with what is
    # quoted around it.
    own = [index.sentences[row] for *_, row in spans]
    own_terms = terms.many([index.documents[o.doc_id].text[o.start : o.end] for o in own])
    rows_used = [p[3] for p in spans]
    sims = index.sentence_vectors[rows_used] @ query_vector if spans else np.zeros(0)
    in_context = _in_context(index, rows_used, query_vector, sims)
    ranked = sims
    if ranking_vector is not None and spans:
        w = settings.sentences.query_adapter_weight
        ranked = (1 - w) * sims + w * (index.sentence_vectors[rows_used] @ ranking_vector)
    generic = index.sentence_density[rows_used]
    out = []
    mix = settings.sentences.sentence_context_weight
    for (hit, start, end, row), text, sterms, oterms, dense, rank, read, o, g in zip(
        spans, texts, span_terms, own_terms, sims, ranked, in_context, own, generic, strict=True
    ):
        lexical = coverage(sterms)
        # Most candidates are their own sentence, quoted alone.
        own_lexical = lexical if (start, end) == (o.start, o.end) else coverage(oterms)
        own_text = index.documents[o.doc_id].text[o.start : o.end]
        dangling = end == o.end and introduces(own_text)
        score = (
            settings.sentences.sentence_dense_weight * ((1 - mix) * float(rank) + mix * float(read))
            + settings.sentences.sentence_lexical_weight * lexical
            + settings.sentences.sentence_chunk_weight * passage_sims[hit.row]
            + (
                settings.sentences.answer_type_weight
                if asked and holds(asked, text, drugs)
                else 0.0
            )
            - settings.sentences.sentence_generic_weight * float(g)
        )
        out.append(
            Candidate(
                hit.chunk.doc_id,
                start,
                end,
                text,
                hit.chunk.section,
                index.sentence_vectors[row],
                float(dense),
                lexical,
                own_lexical,
                score,
                dangling,
                word_count(text),
                row,
                passage_sims[hit.row],
                hit_rank[id(hit)],
            )
        )
    raised = continued(out, index, settings.sentences.continuation_gap)
    return [
        c if score == c.score else dataclasses.replace(c, score=score)
        for c, score in zip(out, raised, strict=True)
    ]


def _in_context(
    index: IndexData, rows: Sequence[int], query_vector: np.ndarray, sims: np.ndarray
) -> np.ndarray:
    """Cosine of the question to each sentence read after the one before it in its paragraph,
    when that is closer than the sentence alone (`sims`). Alone, "A lobectomy removes the
    whole lobe of the lung." does not say it is the surgery offered when the cancer comes back
    after radiation; the sentence before it does. Context
    only ever helps: a sentence keeps its own cosine when the one before it is on another
    point ("The drugs used most often are …" before "Treatment is usually continued as long
    as …")."""
    context_rows = index.sentence_context_row[rows]
    has = context_rows >= 0
    out = np.array(sims, dtype=np.float32)
    if has.any():
        read = index.sentence_context_vectors[context_rows[has]] @ query_vector
        out[has] = np.maximum(out[has], read)
    return out


def continued(cands: Sequence[Candidate], index: IndexData, gap: float) -> list[float]:
    """Each candidate's score raised to at least that of the candidate right before it in the
    same paragraph, less `gap`. The embedding model scores a sentence alone: "A lobectomy
    removes the whole lobe of the lung." says which surgery the sentence before it ("Surgery can
    be done to remove a local recurrence if radiation was used …") offers, yet relates weakly to
    "what operation would they do?"."""
    # The first candidate ending there wins: a sentence quoted alone comes before its longer
    # units.
    ending: dict[tuple[str, int], float] = {}
    for c in cands:
        ending.setdefault((c.doc_id, c.end), c.score)
    out = []
    for c in cands:
        before = paragraph_gap_start(index.documents[c.doc_id].text, c.start)
        out.append(max(c.score, ending.get((c.doc_id, before), -math.inf) - gap))
    return out


def _list_end(
    index: IndexData, doc_id: str, start: int, items: Sequence[Span], settings: Settings
) -> int:
    """End offset of a list candidate: the introducing sentence and the leading items whose
    words fit `answer_max_words` (at least the first item)."""
    text = index.documents[doc_id].text
    end = items[0].end
    for item in items[1:]:
        if word_count(text[start : item.end]) > settings.sentences.answer_max_words:
            break
        end = item.end
    return end
