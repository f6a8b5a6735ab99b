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
from qa.answering.assemble import Passage, assemble
from qa.answering.candidates import (
    MIN_SENTENCE_WORDS,
    Candidate,
    TermCoverage,
    candidates,
)
from qa.answering.drugs import drug_names
from qa.answering.evidence import Evidence, abstention
from qa.answering.ranker import HandRanker, Ranker
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
    previous: Sequence[str] = (),
    ranking_vector: np.ndarray | None = None,
    unknown_names: Sequence[str] = (),
    ranker: Ranker | None = None,
    observe: Callable[[np.ndarray, list[Passage]], None] | None = None,
) -> Answer:
    """The answer to `question` from `hits`, or an abstention when the evidence is weak or the
    passages found do not answer it. `previous`: the conversation's earlier
    questions, oldest first, for a follow-up's cancer site. `ranking_vector`: the question's
    vector as the query adapter maps it, blended into each sentence's ranking score.
    `unknown_names`: the question's words that look like names the documents never use.
    `ranker` ranks the candidate passages (the hand-set score without one); `observe` sees
    them all with their features."""
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
    reason = abstention(ev, settings)

    def bonus(i: int, c: Candidate) -> float:
        if i in defining:
            return settings.sentences.definition_weight
        return settings.sentences.answer_type_weight if named & set(terms(c.text)) else 0.0

    if defining or named:
        cands = [dataclasses.replace(c, score=c.score + bonus(i, c)) for i, c in enumerate(cands)]
    site = conversation_subject(question, index.profile.subjects, previous)
    other_site = _other_site_documents(cands, site, index)
    cands = _other_site_lowered(cands, other_site, settings.sentences.other_site_penalty)

    def covers(text: str) -> float:
        return coverage(terms(text))

    ranker = ranker or HandRanker(settings.sentences.sentence_lexical_weight)
    chosen = [] if reason else assemble(cands, index, settings, covers, ranker, exclude, observe)
    # What the question asks for must be in a quoted passage sharing a word with the question:
    # "6 months of chemotherapy" does not answer "how long is the hospital stay after
    # exenteration?".
    # … and about the subject the question is about: a survival figure for one cancer does not
    # answer "what's the survival rate for <another cancer> that has come back?".
    unanswered = unanswered_part(
        question,
        [
            text
            for p in chosen
            if p.doc_id not in other_site
            for text in _marked_units(index, p)
            if covers(text) > 0
        ],
        drug_names(index.profile.brands, index.profile.drug_names),
        topics_for(index.profile.topic_words),
    )
    if chosen and unanswered:
        reason = unanswered
        chosen = []
    names = ", ".join(repr(w) for w in unknown_names)
    if chosen and unknown_names:
        covered = covers(" ".join(_passage_text(index, p) for p in chosen))
        if covered < settings.abstention.unknown_name_min_coverage:
            reason = (
                f"the question names {names}, which the sources never mention, and the "
                f"passages found cover {covered:.2f} of it (below unknown_name_min_coverage="
                f"{settings.abstention.unknown_name_min_coverage})"
            )
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
    sentences, citations = _quoted(index, chosen, cands)
    text = answer_text(sentences)
    if unknown_names:
        reason = f"the question names {names}, which the sources never mention"
        text = f"My sources do not mention {names}. Here is what they say: {text}"
    return Answer(
        question=question,
        status=Status.ANSWERED,
        text=text,
        disclaimer=disclaimer,
        sentences=tuple(sentences),
        citations=tuple(citations),
        hits=tuple(hits),
        reason=reason,
        evidence=ev.as_dict(settings.abstention.abstain_coverage_weight),
    )


def answer_text(sentences: Sequence[AnswerSentence]) -> str:
    """The answer as plain text: each run of sentences followed by its citation number, list
    items on lines of their own."""
    out = ""
    for i, s in enumerate(sentences):
        out += ("\n- " if s.item else " ") + s.text
        if i + 1 == len(sentences) or sentences[i + 1].citation != s.citation:
            out += f" [{s.citation}]"
    return out.strip()


def _passage_text(index: IndexData, passage: Passage) -> str:
    return " ".join(index.sentence_text(r) for r in passage.rows)


def _marked_units(index: IndexData, passage: Passage) -> list[str]:
    """Each marked sentence of `passage`, after the sentence it leans on when it does."""
    leans = index.layout.leans_on
    return [
        " ".join(index.sentence_text(x) for x in (leans[r], r) if x >= 0)
        for r in sorted(passage.marked)
    ]


def _quoted(
    index: IndexData, passages: Sequence[Passage], cands: Sequence[Candidate]
) -> tuple[list[AnswerSentence], list[Citation]]:
    """The answer's sentences and citations: one citation per run of consecutive sentences of
    a passage, quoting the source from the run's first sentence to its last, exactly."""
    best: dict[int, Candidate] = {}
    for c in cands:
        if c.row not in best or c.score > best[c.row].score:
            best[c.row] = c
    layout = index.layout
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    for number, passage in enumerate(passages):
        doc = index.documents[passage.doc_id]
        previous = -2
        for row in passage.rows:
            s = index.sentences[row]
            if layout.position[row] != previous + 1:
                citations.append(
                    Citation(
                        n=len(citations) + 1,
                        source_id=doc.id,
                        title=doc.meta.title,
                        publisher=doc.meta.publisher,
                        audience=doc.meta.audience.value,
                        section=passage.section,
                        quote="",
                        start=s.start,
                        end=s.end,
                    )
                )
            previous = layout.position[row]
            citations[-1] = dataclasses.replace(
                citations[-1], end=s.end, quote=doc.text[citations[-1].start : s.end]
            )
            scored = best.get(row)
            sentences.append(
                AnswerSentence(
                    doc.text[s.start : s.end],
                    citations[-1].n,
                    scored.score if scored else 0.0,
                    scored.dense if scored else 0.0,
                    scored.lexical if scored else 0.0,
                    start=s.start,
                    end=s.end,
                    marked=row in passage.marked,
                    passage=number,
                    item=layout.is_item[row],
                )
            )
    return sentences, citations

