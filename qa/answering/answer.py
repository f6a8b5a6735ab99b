"""Hits -> an extractive Answer: the best verbatim sentences with citations, or an abstention."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from qa.answering.answer_type import (
    asked_types,
    defines,
    meaning_asked,
    unanswered_part,
    what_is,
)
from qa.answering.candidates import (
    MIN_SENTENCE_WORDS,
    Candidate,
    TermCoverage,
    candidates,
)
from qa.answering.drugs import drug_names
from qa.answering.evidence import Evidence, abstention
from qa.answering.subjects import conversation_subject
from qa.answering.topics import topics_for
from qa.config import Settings
from qa.index_data import IndexData
from qa.lexical import Terms
from qa.profile import Profile
from qa.types import Answer, AnswerSentence, Citation, Hit, Status


def abstain_message(profile: Profile) -> str:
    """What an abstention says: that the sources do not answer, and what they do answer."""
    return (
        "I don't have information about that in my sources. I can answer questions about "
        f"{profile.scope_with_topics()}. Your care team can answer questions about your own "
        "situation."
    )


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
        if c.words >= MIN_SENTENCE_WORDS and not c.dangling and not (exclude and exclude(c.text))
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
        and c.words >= MIN_SENTENCE_WORDS
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
    # … and about the subject the question is about: a survival figure for one cancer does not
    # answer "what's the survival rate for <another cancer> that has come back?".
    unanswered = unanswered_part(
        question,
        [c.text for c in chosen if c.lexical > 0 and c.doc_id not in other_site],
        drug_names(index.profile.brands, index.profile.drug_names),
        topics_for(index.profile.topic_words),
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
