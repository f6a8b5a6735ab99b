"""`load_pipeline(settings).ask(question) -> Answer` (qa.serving.loading): the model and index are
loaded once; the pipeline itself reads only the in-memory index."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qa.answering.adapter import QueryAdapter, load_adapter, resolve
from qa.answering.answer import compose
from qa.answering.assemble import Passage
from qa.answering.encoder_query import encoder_query
from qa.answering.followup import RECENT_QUESTIONS, contextualize
from qa.answering.foreign import Vocabulary, foreign_names
from qa.answering.ranker import Ranker, load_ranker
from qa.answering.retrieve import retrieve
from qa.answering.spelling import mend_slips
from qa.config import Settings
from qa.courtesy import drop_courtesies
from qa.encoder.base import Embedder
from qa.index_data import IndexData
from qa.lexical import Lexicon, Terms
from qa.safety.load import make_triager
from qa.safety.messages import (
    DISCLAIMER,
    DOSE_SENTENCE,
    PERSONAL_NO_INFO,
    PERSONAL_NOTICE,
    check_question,
    scope_message,
)
from qa.safety.redflags import Flag, Verdict, asks_for_dose, assess
from qa.safety.triage import CAUTION, Triage, Triager
from qa.types import Answer, Hit, Status, read_as_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pipeline:
    settings: Settings
    embedder: Embedder
    index: IndexData
    terms: Terms
    vocabulary: Vocabulary
    triager: Triager
    adapter: QueryAdapter | None = None
    ranker: Ranker | None = None
    # Sees every candidate passage with its features (`qa tune-passages` learns from them).
    observe: Callable[[np.ndarray, list[Passage]], None] | None = None

    @classmethod
    def assemble(cls, settings: Settings, embedder: Embedder, index: IndexData) -> Pipeline:
        """The pipeline over an index already in memory (qa.serving.loading reads it from the
        index folder and checks it first)."""
        lexicon = Lexicon.of(index.profile)
        vocabulary = Vocabulary.of((d.text for d in index.documents.values()), lexicon)
        path = (
            resolve(settings.sentences.query_adapter, embedder.name)
            if settings.sentences.query_adapter_weight > 0
            else None
        )
        adapter = None if path is None else load_adapter(path, embedder.name, embedder.dim)
        triager = make_triager(settings, embedder)
        s = settings.sentences
        named = index.profile.passage_ranker
        ranker = load_ranker(
            s.passage_ranker,
            embedder.name,
            s.sentence_lexical_weight,
            settings.ingest.sources_dir / named if named else None,
        )
        return cls(settings, embedder, index, Terms(lexicon), vocabulary, triager, adapter, ranker)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer `question`; `history` holds the user's earlier questions, oldest first, so
        that a follow-up ("what are its side effects?") retrieves about the earlier topic."""
        checked = check_question(question, self.settings.abstention.max_question_chars)
        if checked.rejection:
            return Answer(
                question=checked.question,
                status=Status.REJECTED,
                text=checked.rejection,
                disclaimer=DISCLAIMER,
                reason="input check",
            )
        q = checked.question
        # Everything but triage reads the question without greetings or thanks and with its
        # typing slips mended ("retal cacer"); triage reads the user's own words (its rules have
        # their own fuzzy matching).
        mend = functools.cache(lambda: self._read(q))
        # Retrieval (and the "any word in the sources?" scope test) reads a follow-up with the
        # conversation's topic, read the same way; the safety rules read only the user's own
        # words.
        recent = history[-RECENT_QUESTIONS:]
        earlier = functools.cache(lambda: [self._read(h)[0] for h in recent])
        context = functools.cache(lambda: contextualize(mend()[0], earlier()))
        # Triage's texts (the message and its clauses) and retrieval's text are encoded in one
        # batch: one encoder call a question, not two. With the rules alone nothing is encoded
        # before an escalation.
        triage_texts = self.triager.texts(q)
        triage_vectors = query_vector = None
        if triage_texts:
            query_text = self._encoder_text(context())
            # A plain first question often reads the same to both: one encoder pass then.
            shared = query_text == triage_texts[0]
            vectors = self.embedder.encode([*triage_texts, *([] if shared else [query_text])])
            triage_vectors = vectors[: len(triage_texts)]
            query_vector = vectors[0] if shared else vectors[-1]
        triage = self.triager.assess(q, triage_vectors)
        if triage.escalates:
            return self._escalation(q, triage)
        verdict = assess(q, lambda _own_words: self._mentions_source_terms(context()))
        if verdict.flag is Flag.OUT_OF_SCOPE:
            if query_vector is None:  # staff's report groups these too (by this vector)
                query_vector = self.embedder.encode([self._encoder_text(context())])[0]
            return self._cautioned(
                Answer(
                    question=q,
                    status=Status.ABSTAINED,
                    text=scope_message(self.index.profile),
                    disclaimer=DISCLAIMER,
                    reason=verdict.rule,
                    vector=tuple(query_vector.tolist()),
                ),
                triage,
            )
        return self._cautioned(
            self._answer(q, verdict, mend, context, earlier, query_vector), triage
        )

    def _answer(
        self,
        q: str,
        verdict: Verdict,
        mend: Callable[[], tuple[str, dict[str, str]]],
        context: Callable[[], str],
        earlier: Callable[[], list[str]],
        query_vector: np.ndarray | None,
    ) -> Answer:
        """The quoted answer (or abstention) to a question that triage let through."""
        mended, slips = mend()
        query_vector, query_terms, hits = self._search(context(), query_vector)
        personal = verdict.flag is Flag.PERSONAL
        foreign = foreign_names(mended, self.vocabulary, self.embedder.is_whole_word)
        answer = compose(
            mended,
            self.index,
            hits,
            query_vector,
            query_terms,
            self.terms,
            self.settings,
            DISCLAIMER,
            exclude=DOSE_SENTENCE.search if personal and asks_for_dose(verdict.rule) else None,
            unknown_names=foreign,
            ranker=self.ranker,
            observe=self.observe,
            previous=earlier(),
            ranking_vector=None if self.adapter is None else self.adapter.apply(query_vector),
        )
        answer = dataclasses.replace(
            answer, question=q, read_as=read_as_text(slips), vector=tuple(query_vector.tolist())
        )
        if not personal:
            return answer
        answered = answer.status is Status.ANSWERED
        return dataclasses.replace(
            answer,
            text=f"{PERSONAL_NOTICE} {answer.text}" if answered else PERSONAL_NO_INFO,
            reason=verdict.rule if answered else f"{verdict.rule}; {answer.reason}",
        )

    def search(self, question: str) -> tuple[np.ndarray, Sequence[Hit]]:
        """The question's vector and its retrieved passages, read as `ask` reads a first
        question that no safety rule stops (what `qa tune-adapter` learns from)."""
        query_vector, _, hits = self._search(self._read(question)[0])
        return query_vector, hits

    def _search(
        self, query: str, query_vector: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[str], Sequence[Hit]]:
        """Retrieve for `query`; `query_vector` is its encoder text's vector when the caller
        already has it (ask encodes it in one batch with triage's texts)."""
        if query_vector is None:
            query_vector = self.embedder.encode([self._encoder_text(query)])[0]
        query_terms = self.terms.query(query)
        return (
            query_vector,
            query_terms,
            retrieve(self.index, query_vector, query_terms, self.settings),
        )

    def _encoder_text(self, query: str) -> str:
        # The encoder reads qa.answering.encoder_query's text: no asker's relatives, and the
        # documents' words
        # for lay phrases, abbreviations and drug brands in brackets. BM25 gets the lay phrases'
        # words through Terms.query and matches abbreviations and brands as typed.
        return encoder_query(query, self.index.acronyms, self.embedder, self.terms.lexicon)

    def _read(self, text: str) -> tuple[str, dict[str, str]]:
        """`text` as everything after the safety rules reads it: without greetings or thanks,
        with its typing slips mended; and the slips mended."""
        return mend_slips(drop_courtesies(text), self.vocabulary, self.embedder.is_whole_word)

    def _escalation(self, question: str, triage: Triage) -> Answer:
        """The catalogue's fixed reply for an escalated message, before any retrieval."""
        assert triage.entry is not None and triage.level is not None
        catalogue, contacts = self.triager.catalogue, self.triager.contacts
        return Answer(
            question=question,
            status=Status.ESCALATED,
            text=catalogue.message(triage.entry, contacts),
            disclaimer=DISCLAIMER,
            escalation=triage.level,
            reason=triage.describe(),
            triage_entry=triage.entry.id,
        )

    def _cautioned(self, answer: Answer, triage: Triage) -> Answer:
        """`answer` with triage's caution line above it, when triage gave one."""
        if triage.level != CAUTION or triage.entry is None:
            return answer
        catalogue, contacts = self.triager.catalogue, self.triager.contacts
        return dataclasses.replace(
            answer,
            caution=triage.entry.id,
            notice=catalogue.caution_line(triage.entry, contacts),
            triage_entry=triage.entry.id,
            reason=f"{answer.reason}; {triage.describe()}" if answer.reason else triage.describe(),
        )

    def _mentions_source_terms(self, question: str) -> bool:
        return bool(self.index.lexical.known(self.terms(question)))
