"""Hits -> an extractive Answer: the best verbatim sentences with citations, or an abstention."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qa.answering.answer_type import (
    AnswerType,
    asked_types,
    defines,
    drug_names,
    holds,
    meaning_asked,
    unanswered_part,
    what_is,
)
from qa.answering.evidence import Evidence, abstention
from qa.answering.subjects import conversation_subject
from qa.config import Settings
from qa.index_data import IndexData
from qa.lexical import LexicalIndex, Terms
from qa.profile import Profile
from qa.text import paragraph_gap_start, word_count
from qa.types import Answer, AnswerSentence, Citation, Hit, Span, Status


def abstain_message(profile: Profile) -> str:
    """What an abstention says: that the sources do not answer, and what they do answer."""
    return (
        "I don't have information about that in my sources. I can answer questions about "
        f"{profile.scope_with_topics()}. Your care team can answer questions about your own "
        "situation."
    )


# A sentence opening with one of these leans on the sentence before it.
_ANAPHOR = re.compile(r"(?:It|Its|This|These|They|Their|Such|That|Those)\b")
# A sentence with one of these points at what comes after it ("The following are treatment
# options …"); quoted alone it promises content it does not give.
_CATAPHOR = re.compile(r"\b(?:the following|as follows)\b", re.IGNORECASE)
# Fragments shorter than this ("Patient preferences") say nothing on their own.
_MIN_SENTENCE_WORDS = 4


def _cataphoric(text: str) -> bool:
    # The substring test first: the regex costs microseconds on each of ~30 candidates a
    # question, and almost no sentence has "follow" in it.
    return "follow" in text.lower() and _CATAPHOR.search(text) is not None


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
    list_items = index.list_items
    drugs = drug_names(index.profile.brands, index.profile.drug_names)
    seen: set[tuple[str, int, int]] = set()
    picked: list[tuple[Hit, int, int, int]] = []
    for hit in hits:
        text = index.documents[hit.chunk.doc_id].text
        previous = None
        for span in hit.chunk.sentences:
            key = (hit.chunk.doc_id, span.start, span.end)
            row = rows.get(key)
            if row is not None and key not in seen:
                seen.add(key)
                # "It may be used …" quoted alone would leave the reader guessing what "it" is.
                glued = previous is not None and _ANAPHOR.match(text, span.start)
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
        dangling = end == o.end and (own_text.rstrip().endswith(":") or _cataphoric(own_text))
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
            )
        )
    raised = _continued(out, index, settings.sentences.continuation_gap)
    return [
        c if score == c.score else dataclasses.replace(c, score=score)
        for c, score in zip(out, raised, strict=True)
    ]


def _in_context(
    index: IndexData, rows: Sequence[int], query_vector: np.ndarray, sims: np.ndarray
) -> np.ndarray:
    """Cosine of the question to each sentence read after the one before it in its paragraph,
    when that is closer than the sentence alone (`sims`). Alone, "An abdominoperineal resection
    removes the rectum, anal sphincter, anus and muscles around the anus." does not say it is
    the surgery for anal cancer back after chemoradiation; the sentence before it does. Context
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


def _continued(cands: Sequence[Candidate], index: IndexData, gap: float) -> list[float]:
    """Each candidate's score raised to at least that of the candidate right before it in the
    same paragraph, less `gap`. The embedding model scores a sentence alone: "An
    abdominoperineal resection removes the rectum, anal sphincter, anus and muscles around the
    anus." says which surgery the sentence before it ("Surgery can be done to remove a local
    recurrence if chemoradiation was used …") offers, yet relates weakly to "what operation
    would they do?"."""
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


def select(
    cands: Sequence[Candidate],
    settings: Settings,
    exclude: Callable[[str], object] | None = None,
) -> list[Candidate]:
    """Greedy pick by score within the word budget, skipping fragments, dangling introductions,
    near-duplicates and sentences `exclude` rejects."""
    usable = [
        c
        for c in cands
        if c.words >= _MIN_SENTENCE_WORDS and not c.dangling and not (exclude and exclude(c.text))
    ]
    usable.sort(key=lambda c: -c.score)
    chosen: list[Candidate] = []
    words = 0
    for c in usable:
        if len(chosen) >= settings.sentences.answer_max_sentences:
            break
        n = c.words
        if chosen and (
            c.score < chosen[0].score - settings.sentences.sentence_max_gap
            or words + n > settings.sentences.answer_max_words
            or any(_overlaps(c, p) for p in chosen)
            or any(float(c.vector @ p.vector) > settings.sentences.dedup_cosine for p in chosen)
        ):
            continue
        chosen.append(c)
        words += n
    return chosen


def _other_site_documents(
    cands: Sequence[Candidate], site: str | None, index: IndexData
) -> frozenset[str]:
    """The candidates' documents about another subject than the question's `site`
    (qa/answering/subjects.py); none when the question names no subject."""
    if site is None:
        return frozenset()
    return frozenset(
        doc_id
        for doc_id in {c.doc_id for c in cands}
        if index.documents[doc_id].meta.subject not in ("", site)
    )


def _other_site_lowered(
    cands: Sequence[Candidate], other: frozenset[str], penalty: float
) -> list[Candidate]:
    """`cands`, with those from the `other` cancer's documents scored `penalty` lower."""
    if not other or not penalty:
        return list(cands)
    return [
        dataclasses.replace(c, score=c.score - penalty) if c.doc_id in other else c for c in cands
    ]


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def _evidence(cands: Sequence[Candidate], passage_sims: Mapping[int, float]) -> Evidence:
    return Evidence(
        best_sentence_dense=max((c.dense for c in cands), default=0.0),
        best_chunk_dense=max(passage_sims.values(), default=0.0),
        best_sentence_coverage=max((c.own_lexical for c in cands), default=0.0),
    )


def compose(
    question: str,
    index: IndexData,
    hits: Sequence[Hit],
    query_vector: np.ndarray,
    query_terms: Sequence[str],
    terms: Terms,
    settings: Settings,
    disclaimer: str,
    exclude: Callable[[str], object] | None = None,
    abstain_reason: str = "",
    previous: Sequence[str] = (),
    ranking_vector: np.ndarray | None = None,
) -> Answer:
    """The answer to `question` from `hits`, or an abstention when the evidence is weak or the
    caller already knows a reason (`abstain_reason`). `previous`: the conversation's earlier
    questions, oldest first, for a follow-up's cancer site. `ranking_vector`: the question's
    vector as the query adapter maps it, blended into each sentence's ranking score."""
    # Cosine of the question to each retrieved passage, by chunk row.
    passage_sims = {h.row: float(index.chunk_vectors[h.row] @ query_vector) for h in hits}
    coverage = TermCoverage.of(
        query_terms,
        index.lexical,
        terms.frame_terms,
        index.abbreviations.touching(query_terms).close,
    )
    asked = asked_types(question)
    cands = candidates(
        index, hits, query_vector, passage_sims, coverage, terms, settings, asked, ranking_vector
    )
    ev = _evidence(cands, passage_sims)
    # A sentence defining the term the question asks about answers it, however weakly the
    # model relates the two ("supportive care" and "prevent or control side effects"); for
    # "what is X?", a sentence naming X at all gets the answer-type bonus.
    asked_meaning = meaning_asked(question, terms)
    named = what_is(question, terms)
    defining = {
        i
        for i, c in enumerate(cands)
        if asked_meaning
        and not c.dangling
        and c.words >= _MIN_SENTENCE_WORDS
        and defines(c.text, asked_meaning, terms)
    }
    ev = dataclasses.replace(ev, defines_asked_term=bool(defining))
    reason = abstain_reason or abstention(ev, settings)

    def bonus(i: int, c: Candidate) -> float:
        if i in defining:
            return settings.sentences.definition_weight
        return settings.sentences.answer_type_weight if named & set(terms(c.text)) else 0.0

    if defining or named:
        cands = [dataclasses.replace(c, score=c.score + bonus(i, c)) for i, c in enumerate(cands)]
    site = conversation_subject(question, index.profile.subjects, previous)
    other_site = _other_site_documents(cands, site, index)
    cands = _other_site_lowered(cands, other_site, settings.sentences.other_site_penalty)
    chosen = [] if reason else select(cands, settings, exclude)
    # What the question asks for must be in a quoted sentence sharing a word with the question:
    # "6 months of chemotherapy" does not answer "how long is the hospital stay after
    # exenteration?".
    # … and about the cancer the question is about: a survival figure for rectal cancer does not
    # answer "what's the survival rate for anal cancer that has come back?".
    unanswered = unanswered_part(
        question,
        [c.text for c in chosen if c.lexical > 0 and c.doc_id not in other_site],
        drug_names(index.profile.brands, index.profile.drug_names),
    )
    if chosen and unanswered:
        reason = unanswered
        chosen = []
    if not chosen:
        return Answer(
            question=question,
            status=Status.ABSTAINED,
            text=abstain_message(index.profile),
            disclaimer=disclaimer,
            hits=tuple(hits),
            reason=reason or "no usable sentence",
            evidence=ev.as_dict(settings.abstention.abstain_coverage_weight),
        )
    citations = []
    sentences = []
    for n, c in enumerate(chosen, 1):
        doc = index.documents[c.doc_id]
        citations.append(
            Citation(
                n=n,
                source_id=doc.id,
                title=doc.meta.title,
                publisher=doc.meta.publisher,
                audience=doc.meta.audience.value,
                section=c.section,
                quote=c.text,
                start=c.start,
                end=c.end,
            )
        )
        sentences.append(AnswerSentence(c.text, n, c.score, c.dense, c.lexical))
    text = " ".join(f"{s.text} [{s.citation}]" for s in sentences)
    return Answer(
        question=question,
        status=Status.ANSWERED,
        text=text,
        disclaimer=disclaimer,
        sentences=tuple(sentences),
        citations=tuple(citations),
        hits=tuple(hits),
        reason="",
        evidence=ev.as_dict(settings.abstention.abstain_coverage_weight),
    )
